/**
 * The current release of every GitHub action Baton's workflows use, as
 * `<commit> # <release>`, read from the actions' own repositories (see
 * docs/sessions.md, "Pinned actions"). A template or workflow pinning any
 * other commit of these fails its test.
 */
export const CURRENT_PINS: Record<string, string> = {
  'actions/checkout': '3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
  'actions/setup-node': '820762786026740c76f36085b0efc47a31fe5020 # v7.0.0',
  'actions/upload-artifact': 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0',
  'actions/download-artifact': '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1',
  'actions/cache': '27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5',
  // Read from the action's repository on 2026-11-27: v3.1.1, the release pull request's token.
  'actions/create-github-app-token': '1b10c78c7865c340bc4f6099eb2f838309f1e8c3 # v3.1.1',
  // Read from the action's repository on 2026-11-26: v2.1.1, for Changesets v3.
  'changesets/action': '8488615a623b1b9c987934bb89eae8af6a946ac1 # v2.1.1',
};
