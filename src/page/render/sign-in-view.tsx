/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** What anyone not signed in sees: nothing of any build, and the way to sign in. */
export function SignInView({ href, problem }: { href: string | null; problem?: string }) {
  return (
    <section class="signin">
      <h1>Sign in to see your builds</h1>
      <p class="muted">
        Baton shows you the builds of the repositories GitHub lets you read, and nothing else.
      </p>
      {href ? (
        <a class="button" href={href}>
          Sign in with GitHub
        </a>
      ) : (
        <p class="warning">{problem ?? 'Signing in is not set up on this app.'}</p>
      )}
    </section>
  );
}
