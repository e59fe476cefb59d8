import { SESSION_ROLES, type SessionRole } from '../../src/core/sessions/session.js';
import type { MessagesRequest } from '../fake-anthropic.js';

/** What a fix session answers, as its first message tells it. */
export type FixTrigger =
  | 'review'
  | 'comment'
  | 'checks'
  | 'conflict'
  | 'merged'
  | 'continue'
  | 'none';

/** One tool call of an earlier turn and what the session answered. */
export interface ToolExchange {
  name: string;
  input: Record<string, unknown>;
  result: string;
  isError: boolean;
}

/**
 * One request, read the way a model reads it: which session it belongs to
 * (role, build, worker, PR, trigger, from the system prompt and the first
 * message) and how far that session is (its assistant turns so far).
 */
export interface SessionRequest {
  /** The same for every request of one session: its system prompt and first message. */
  key: string;
  role: SessionRole;
  build: string;
  worker: string | null;
  pr: number | null;
  issue: number | null;
  trigger: FixTrigger;
  /** Paths the first message names. */
  paths: {
    skill: string | null;
    brief: string | null;
    dependencies: string[];
    /** A fix session's earlier completion report. */
    earlierReport: string | null;
  };
  /** `conflict`: the files the merge left in conflict. */
  conflicts: string[];
  /** `review`: the inline comments quoted from the review. */
  inline: { path: string; line: number; body: string }[];
  /** `plan` sessions of an issue with sub-issues: the sub-issue of each worker, as the prompt lists them. */
  subIssues: Record<string, number>;
  /** `review` sessions: the PR's changed files, as listed. */
  changed: string[];
  /** An improvement loop's research, plan or summary: the loop the first message names. */
  loop: number | null;
  /** A validate session: the milestone its first message names. */
  milestone: number | null;
  /** A plan session in adapt mode: the merged worker it answers, its report and the briefs it may revise. */
  adapt: { source: string; completion: string; briefs: { worker: string; path: string }[] } | null;
  /** Assistant turns so far: 0 for the session's first request. */
  turn: number;
  /** The calls of the newest turn with their results. */
  last: ToolExchange[];
  /** Every call of the session so far with its result, oldest first. */
  all: ToolExchange[];
  /**
   * Everything the session's side said, joined: its prompt, its tool results
   * and what it was told between turns (a person's message, Baton's wind-down).
   */
  said: string;
}

/** A content block of a Messages API request, with the fields a session's requests carry. */
export interface Block {
  type?: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

/** Reads a Messages API request; a string says why it is not one of a Baton session. */
export function readSessionRequest(body: MessagesRequest): SessionRequest | string {
  const system = textOf(body.system);
  const first = textOf(body.messages[0]?.content);
  const role = /You are a Baton session in the (\w+) role/.exec(system)?.[1];
  if (!role || !SESSION_ROLES.includes(role as SessionRole)) {
    return `the system prompt names no Baton role: ${system.slice(0, 120)}`;
  }
  const build = /[Bb]uild `([^`]+)`/.exec(first)?.[1];
  if (!build) return `the first message names no build: ${first.slice(0, 120)}`;
  const turn = body.messages.filter((m) => m.role === 'assistant').length;
  return {
    key: `${system}\n\n${first}`,
    role: role as SessionRole,
    build,
    worker: /(?:You are worker|of worker) (W\d+\.\d+)/.exec(first)?.[1] ?? null,
    pr: numberOf(/(?:^Review pull request|revises pull request) #(\d+)/m.exec(first)?.[1]),
    issue: numberOf(/for issue #(\d+)/.exec(first)?.[1]),
    trigger: triggerOf(first),
    paths: {
      skill: presentPath(/(?:Read the skill first: |the skill )`([^`]+)`( \(absent)?/.exec(first)),
      brief: presentPath(/(?:Your brief: |its brief )`([^`]+)`( \(absent)?/.exec(first)),
      earlierReport: /Your earlier report: `([^`]+)`/.exec(first)?.[1] ?? null,
      dependencies: [...first.matchAll(/^- `([^`]+\/completions\/[^`]+)`$/gm)].map(
        (m) => m[1] ?? '',
      ),
    },
    conflicts: conflictsOf(first),
    inline: [...first.matchAll(/^- `([^`]+):(\d+)`: (.*)$/gm)].map((m) => ({
      path: m[1] ?? '',
      line: Number(m[2]),
      body: m[3] ?? '',
    })),
    subIssues: Object.fromEntries(
      [...first.matchAll(/^- (W\d+\.\d+): sub_issue (\d+),/gm)].map((m) => [
        m[1] ?? '',
        Number(m[2]),
      ]),
    ),
    // Each name JSON-quoted, as the review prompt lists it (`visibleName`).
    changed: [...first.matchAll(/^- \w+ ("(?:[^"\\]|\\.)*") \(\+\d+ −\d+\)$/gm)].map((m) =>
      String(JSON.parse(m[1] ?? '""')),
    ),
    loop: numberOf(/improvement loop (\d+)/.exec(first)?.[1]),
    // On a line of its own: an engine may put its own text before the prompt (Claude Code does).
    milestone: numberOf(/^Validate milestone (\d+) of build/m.exec(first)?.[1]),
    adapt: adaptOf(first),
    turn,
    last: exchangesAt(body.messages, body.messages.length - 2),
    all: body.messages.flatMap((message, index) =>
      message.role === 'assistant' ? exchangesAt(body.messages, index) : [],
    ),
    said: body.messages
      .filter((message) => message.role === 'user')
      .map((message) => saidIn(message.content))
      .join('\n'),
  };
}

function adaptOf(first: string): SessionRequest['adapt'] {
  const source = /after worker (W\d+\.\d+) merged/.exec(first)?.[1];
  const completion = /Its completion report, `([^`]+)`/.exec(first)?.[1];
  if (!source || !completion) return null;
  const briefs = [...first.matchAll(/^- (W\d+\.\d+): `([^`]+)`$/gm)].map((m) => ({
    worker: m[1] ?? '',
    path: m[2] ?? '',
  }));
  return { source, completion, briefs };
}

function triggerOf(first: string): FixTrigger {
  if (!first.includes('This session revises pull request')) return 'none';
  if (/^Review \d+ by @\S+ \(\w+\) asks for changes:/m.test(first)) return 'review';
  if (/asked for another attempt \(comment \d+\)/.test(first)) return 'comment';
  if (first.includes('these files conflict:')) return 'conflict';
  if (first.includes('into this branch without conflicts')) return 'merged';
  if (first.includes('stopped short of the brief')) return 'continue';
  if (/These checks failed on/.test(first)) return 'checks';
  return 'none';
}

/** The list under "these files conflict:", up to the first line that is not an item. */
function conflictsOf(first: string): string[] {
  const after = first.split('these files conflict:')[1];
  if (after === undefined) return [];
  const files: string[] = [];
  for (const line of after.split('\n').slice(1)) {
    const item = /^- `([^`]+)`$/.exec(line);
    if (!item) break;
    files.push(item[1] ?? '');
  }
  return files;
}

/** A path the prompt names, unless it says the file is absent. */
function presentPath(match: RegExpExecArray | null): string | null {
  return match && !match[2] ? (match[1] ?? null) : null;
}

function numberOf(text: string | undefined): number | null {
  return text === undefined ? null : Number(text);
}

/** The text of a message's blocks and of the tool results in it. */
function saidIn(content: unknown): string {
  if (!Array.isArray(content)) return textOf(content);
  return (content as Block[])
    .map((block) => (block.type === 'tool_result' ? textOf(block.content) : (block.text ?? '')))
    .join('\n');
}

/** The text of a system prompt, a message or a tool result: a string, or its text blocks joined. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Block[])
    .filter((block) => block.type === 'text')
    .map((block) => block.text ?? '')
    .join('\n');
}

/** The tool calls of the assistant turn at `index`, each with the result the next message gave it. */
function exchangesAt(messages: MessagesRequest['messages'], index: number): ToolExchange[] {
  const asked = messages[index];
  const answer = messages[index + 1];
  if (answer?.role !== 'user' || asked?.role !== 'assistant') return [];
  const results = Array.isArray(answer.content) ? (answer.content as Block[]) : [];
  const calls = Array.isArray(asked.content) ? (asked.content as Block[]) : [];
  return calls
    .filter((block) => block.type === 'tool_use')
    .map((call) => {
      const result = results.find(
        (block) => block.type === 'tool_result' && block.tool_use_id === call.id,
      );
      return {
        name: call.name ?? '',
        input: (call.input ?? {}) as Record<string, unknown>,
        result: textOf(result?.content),
        isError: result === undefined || result.is_error === true,
      };
    });
}
