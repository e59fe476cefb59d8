/** A secret a test hands to the processes it starts, by name, to look for in their output. */
export interface KnownSecret {
  name: string;
  value: string;
}

/**
 * The forms a secret can be written in: as it is, base64 (a git `Basic`
 * header is base64 of `x-access-token:<token>`), and, for a PEM key, each
 * line of its body (a key written into JSON has its newlines escaped).
 */
export function secretForms({ name, value }: KnownSecret): KnownSecret[] {
  if (value.includes('-----BEGIN')) {
    return value
      .split('\n')
      .filter((line) => line.length >= 40 && !line.startsWith('-----'))
      .map((line, index) => ({ name: `${name} (line ${index + 1})`, value: line }));
  }
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return [
    { name, value },
    { name: `${name} (base64)`, value: base64(value) },
    { name: `${name} (git basic auth)`, value: base64(`x-access-token:${value}`) },
  ];
}

/** The names of the secrets (in any of their forms) that `output` contains. */
export function secretsIn(output: string, secrets: KnownSecret[]): string[] {
  return secrets
    .flatMap(secretForms)
    .filter((form) => output.includes(form.value))
    .map((form) => form.name);
}

/**
 * A job's output as GitHub shows it: the runner consumes each
 * `::add-mask::<value>` command and shows `***` for that value from then on
 * (https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands#masking-a-value-in-a-log).
 * The simulated runner keeps the raw streams, so this does what the runner does.
 */
export function maskedAsActions(output: string): string {
  const masks: string[] = [];
  const shown: string[] = [];
  for (const line of output.split('\n')) {
    const mask = /^::add-mask::(.+)$/.exec(line.trim())?.[1];
    if (mask) {
      masks.push(mask);
      continue;
    }
    shown.push(masks.reduce((text, value) => text.split(value).join('***'), line));
  }
  return shown.join('\n');
}
