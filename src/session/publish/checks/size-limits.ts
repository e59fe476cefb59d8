/**
 * What `publish` accepts from the agent job at most. The agent's output is
 * untrusted; these caps keep one run from pushing a repository's worth of
 * blobs or a file GitHub would refuse anyway (100 MB hard limit).
 */

/** The git bundle of the session's commits. */
export const BUNDLE_MAX_BYTES = 100 * 1024 * 1024;

/** Any one file the session's commits add or change. */
export const FILE_MAX_BYTES = 10 * 1024 * 1024;

/** Files changed between the dispatched base and the new head. */
export const CHANGED_FILES_MAX = 2000;

/** GitHub refuses pull request and review bodies longer than 65,536 characters. */
export const BODY_MAX_CHARS = 60_000;
