import path from 'node:path';

/**
 * What the scripted model keeps and reads to play an engine's side of a
 * conversation (Claude Code, Codex, Copilot) with the turns it writes for Baton's own
 * loop: each engine tool call it made stands for one of Baton's (bash, the
 * editor, the read-only tools, a `submit_*`), kept by the call's id so the
 * next request reads back as Baton's loop would have sent it; and the paths
 * the session's system prompt names (renderEngineSystemPrompt).
 */

/** One of Baton's tool calls, as a turn wrote it. */
export interface BatonCall {
  name: string;
  input: Record<string, unknown>;
  /**
   * Set on an engine call that stands for none of Baton's: it waits for more
   * of the command the call of this id started (Codex's `write_stdin`).
   */
  waitsOn?: string;
}

/** Engine call ids → the Baton call each stands for, across every session of a build. */
export type CallBook = Map<string, BatonCall>;

/** What an engine session's system prompt says of where it works. */
export interface EnginePaths {
  workDir: string;
  handIn: string;
  /** Where a review's patches are (get_diff), if the prompt names them. */
  files: string | null;
}

/** Reads the paths from the system prompt of an engine session; null when it is not one. */
export function readEnginePaths(system: string): EnginePaths | null {
  const workDir =
    /You are a Baton session in the \w+ role, working in a checkout of \S+ at (\/\S+)\.\n/.exec(
      system,
    )?.[1];
  const handIn = /Hand in by writing one JSON object to the file `([^`]+)`/.exec(system)?.[1];
  if (!workDir || !handIn) return null;
  return {
    workDir,
    handIn,
    files: /`([^`]+)\/FILES` lists the changed files/.exec(system)?.[1] ?? null,
  };
}

/** A path of a turn (relative to the checkout) as the engine's file tools want it: absolute. */
export function absolute(paths: EnginePaths, file: unknown): string {
  const relative = String(file ?? '.');
  return path.isAbsolute(relative) ? relative : path.join(paths.workDir, relative);
}

/** Where a review's patch of `file` is, as the prompt says (get_diff). */
export function patchFile(paths: EnginePaths, file: unknown): string {
  return path.join(paths.files ?? '/nonexistent', `${encodeURIComponent(String(file))}.patch`);
}

/** A listing command for `list_files`, run in the checkout. */
export function listCommand(input: Record<string, unknown>): string {
  const depth = Number(input.depth ?? 2) || 2;
  return `find ${quote(String(input.path ?? '.'))} -maxdepth ${depth} -not -path '*/.git*' | sort`;
}

/** A search command for `search`, run in the checkout. */
export function searchCommand(input: Record<string, unknown>): string {
  return `grep -rn -- ${quote(String(input.pattern ?? ''))} ${quote(String(input.path ?? '.'))} || true`;
}

/** A word the shell reads as exactly `text`. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Whether a Baton call is the session's hand-in. */
export function isSubmit(call: BatonCall | undefined): boolean {
  return call?.name.startsWith('submit_') ?? false;
}

/** Removes the line numbers a file tool puts before each line (`cat -n` style), for a patch read as a file. */
export function unnumbered(text: string): string {
  return text
    .split('\n')
    .map((line) => /^\s*\d+\t(.*)$/.exec(line)?.[1] ?? line)
    .join('\n');
}
