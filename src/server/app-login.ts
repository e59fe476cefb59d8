import type { Probot } from 'probot';

/**
 * The app's bot login, `<slug>[bot]`, asked of GitHub (`GET /app`) the first
 * time it is needed and kept; a failed ask is not kept, so the next need asks
 * again. `fallbackSlug` stands for a slug GitHub's answer lacks.
 */
export function appBotLogin(app: Probot, fallbackSlug: string): () => Promise<string> {
  let login: Promise<string> | null = null;
  return () => {
    login ??= app
      .auth()
      .then((octokit) => octokit.rest.apps.getAuthenticated())
      .then(({ data }) => `${data?.slug ?? fallbackSlug}[bot]`)
      .catch((error: unknown) => {
        login = null;
        throw error;
      });
    return login;
  };
}
