/**
 * A step's outputs as the runner reads them back from the file `$GITHUB_OUTPUT`
 * names ("Setting an output parameter",
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands):
 * `name=value` lines, or `name<<DELIMITER`, the value's lines, then `DELIMITER`.
 * Shared by every job the simulated runner plays, so each reads them alike.
 */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const many = /^([\w-]+)<<(.+)$/.exec(line);
    if (many?.[1] && many[2]) {
      const end = lines.indexOf(many[2], i + 1);
      // An unclosed value runs to the end of the file (GitHub fails the step; nothing here relies on it).
      const last = end === -1 ? lines.length : end;
      outputs[many[1]] = lines.slice(i + 1, last).join('\n');
      i = last;
    } else {
      const at = line.indexOf('=');
      if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return outputs;
}
