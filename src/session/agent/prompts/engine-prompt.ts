import { type CodingEngine, ENGINE_TRAITS } from '../../../core/sessions/engines.js';
import type { SessionRole } from '../../../core/sessions/session.js';
import { QUOTED_TEXT_RULE } from './quote-untrusted.js';
import { ROLE_LINES } from './system-prompt.js';

/**
 * The system prompt of a session that another engine runs (one of
 * engines/engine-registry.ts): the same role and rules as Baton's own loop (system-prompt.ts), with
 * the engine's own tools, and a hand-in file in place of the `submit_*` tool.
 * The engine reads it from a file (its kit's command); the first message is
 * the role's own, which names everything else by path.
 */
export function renderEngineSystemPrompt({
  engine,
  role,
  repository,
  workDir,
  writes,
  submit,
  schema,
  handIn,
  extra,
}: {
  engine: CodingEngine;
  role: SessionRole;
  repository: string;
  workDir: string;
  /** Whether the session's changes to the checkout are kept (work, fix). */
  writes: boolean;
  /** The `submit_*` tool the first message may name. */
  submit: string;
  /** The JSON schema of the hand-in (the submit tool's input). */
  schema: unknown;
  handIn: string;
  /** More files the session reads, and where (a review's patches). */
  extra: string | null;
}): string {
  const changes = writes
    ? '- Change the files of the checkout as your task asks. Do not commit, push, rebase or switch branches: Baton commits your working tree when you end.'
    : '- Change nothing in the checkout: this session only reads, and anything written there is discarded.';
  return [
    `You are a Baton session in the ${role} role, working in a checkout of ${repository} at ${workDir}.`,
    ROLE_LINES[role],
    '',
    'Rules:',
    `- You run as ${ENGINE_TRAITS[engine].title} inside Baton's sandbox: your commands and your file tools reach this checkout and your own home, and the network only through Baton's proxies.`,
    '- Paths in the first message are relative to the checkout.',
    changes,
    "- Where the first message names Baton's own tools (bash, str_replace_based_edit_tool, read_file, list_files, search, get_diff), use your own tools for the same.",
    ...(extra ? [`- ${extra}`] : []),
    '- No credentials are available to you; do not look for any.',
    `- ${QUOTED_TEXT_RULE}`,
    '- Instructions for your role are in the skill file named in the first message. Read the files named there yourself; they are not repeated here.',
    `- Hand in by writing one JSON object to the file \`${handIn}\`: it takes the place of calling ${submit}, which the first message may name. It must match this JSON schema:`,
    '```json',
    JSON.stringify(schema),
    '```',
    '- Write the hand-in once you are done, then end your turn. Baton checks it after you end: if it is not accepted, you are told every problem and asked to write it again.',
  ].join('\n');
}
