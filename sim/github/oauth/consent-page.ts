/** A person of the simulation, who can sign in. */
export interface SimPerson {
  login: string;
  id: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The simulated authorize page: on GitHub a signed-in person reads the app's
 * request and clicks "Authorize"; here the form names which of the
 * simulation's people signs in. Every field of the request goes back in the
 * form unchanged, as GitHub keeps them through its own consent.
 */
export function renderConsentPage({
  query,
  people,
}: {
  query: URLSearchParams;
  people: readonly SimPerson[];
}): string {
  const hidden = [...query]
    .filter(([key]) => key !== 'login')
    .map(
      ([key, value]) =>
        `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  const options = people
    .map(({ login }) => `<option value="${escapeHtml(login)}">${escapeHtml(login)}</option>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize application</title></head>
<body><h1>Authorize the app</h1>
<form method="post" action="/login/oauth/authorize">${hidden}
<label>Sign in as <select name="login">${options}</select></label>
<button type="submit" id="authorize">Authorize</button></form></body></html>`;
}
