/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * What anyone not signed in sees: nothing of any build, and the way to sign in;
 * before sign-in is set up, what to set.
 */
export function SignInView({ href, problem }: { href: string | null; problem?: string }) {
  if (!href)
    return (
      <section class="signin">
        <h1>Sign-in is not set up</h1>
        <p class="warning">{problem ?? 'Signing in is not set up on this app.'}</p>
        <p class="muted">
          Builds run without it: only this page needs it. Probe /readyz to know the app is ready.
        </p>
      </section>
    );
  return (
    <section class="signin">
      <h1>Sign in to see your builds</h1>
      <p class="muted">
        Baton shows you the builds of the repositories GitHub lets you read, and nothing else.
      </p>
      <a class="button" href={href}>
        Sign in with GitHub
      </a>
    </section>
  );
}
