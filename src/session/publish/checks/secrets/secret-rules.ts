import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { decodeRuns } from './encoded-text.js';

/** One secret found in a text: where, by which rule, and the value (never shown unmasked). */
export interface SecretFinding {
  /** 1-based line of the value's start. */
  line: number;
  rule: string;
  value: string;
  /** Found decoded: the run as the text has it (base64, hex), which is what a mask must cover. */
  encoded?: string;
}

/**
 * Rules secretlint's recommended preset lacks, written after gitleaks' rule
 * set (github.com/gitleaks/gitleaks, config/gitleaks.toml, MIT): Azure storage
 * keys and Entra ID client secrets, Google API keys, private keys in any
 * armour (the preset's rule wants a known key type), and a generic assignment
 * of a high-entropy value to a name that says it is secret.
 */
const CURATED: { rule: string; pattern: RegExp; entropy?: number }[] = [
  { rule: 'azure-storage-account-key', pattern: /AccountKey=([A-Za-z0-9+/]{86}==)/g },
  {
    rule: 'azure-ad-client-secret',
    pattern: /(?:^|['"`\s>=:(,])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?=$|['"`\s<),])/gm,
  },
  { rule: 'gcp-api-key', pattern: /\b(AIza[\w-]{35})(?![\w-])/g },
  {
    rule: 'private-key',
    pattern:
      /(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S-]{64,}?KEY(?: BLOCK)?-----)/g,
  },
  {
    rule: 'generic-high-entropy-assignment',
    pattern:
      /(?:secret|token|passw(?:or)?d|pwd|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|credential|auth[_-]?key)[\w.-]{0,20}['"]?\s*(?:[:=]|:=|=>)\s*['"`]([A-Za-z0-9+/_\-.~=]{20,200})['"`]/gi,
    entropy: 4,
  },
];

/** Bits of Shannon entropy per character. */
export function entropyOf(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * A placeholder, not a secret: after its known prefix, fewer than five distinct
 * characters (`ghp_xxxx…`, `AKIA0000…`), or a template (`${…}`, `<…>`).
 */
export function isPlaceholder(value: string): boolean {
  const body = value.replace(/^(?:gh[pousr]_|github_pat_|sk-ant-api\d\d-|AKIA|ASIA|AIza)/, '');
  return new Set(body.replace(/[^A-Za-z0-9]/g, '')).size < 5 || /\$\{|<[^>]*>|\{\{/.test(value);
}

/** The secrets in one text file: secretlint's recommended rules, then the curated ones. */
export async function findSecrets(path: string, content: string): Promise<SecretFinding[]> {
  const result = await lintSource({
    // The path is only a label here (`noPhysicFilePath`), but secretlint names its
    // performance marks by it, and a name with a line break (a session chooses file
    // names) breaks the mark and leaves a rejection no one handles, which ends the process.
    source: { filePath: labelOf(path), content, contentType: 'text', ext: extOf(path) },
    options: {
      config: {
        rules: [
          {
            id: recommended.meta.id,
            rule: recommended,
            // An access key id alone is half a credential, and the half that finds the other.
            rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
          },
        ],
      },
      noPhysicFilePath: true,
    },
  });
  const findings: SecretFinding[] = result.messages.map((message) => ({
    line: message.loc.start.line,
    rule: message.ruleId.replace(/^@secretlint\/secretlint-rule-/, 'secretlint/'),
    value: content.slice(message.range[0], message.range[1]),
  }));
  for (const { rule, pattern, entropy } of CURATED) {
    for (const match of content.matchAll(pattern)) {
      const value = match[1] ?? match[0];
      if (entropy !== undefined && entropyOf(value) < entropy) continue;
      const at = (match.index ?? 0) + match[0].indexOf(value);
      findings.push({ line: lineAt(content, at), rule, value });
    }
  }
  return findings.filter((finding) => !isPlaceholder(finding.value));
}

/**
 * The secrets in a text as it is and in its base64 and hex runs that decode to
 * text (`decodeRuns`): a decoded hit is reported at the line its run starts,
 * its rule marked with the encoding (`secretlint/github (base64)`).
 */
export async function findSecretsIn(path: string, content: string): Promise<SecretFinding[]> {
  const direct = await findSecrets(path, content);
  const runs = decodeRuns(content);
  if (runs.length === 0) return direct;
  // Every decoded run in one text, one lint: each starts on a line of its own.
  const starts: number[] = [];
  let line = 1;
  for (const run of runs) {
    starts.push(line);
    line += run.text.split('\n').length;
  }
  const decoded = await findSecrets(path, runs.map((run) => run.text).join('\n'));
  const found = decoded.flatMap((finding) => {
    const at = starts.findLastIndex((start) => start <= finding.line);
    const run = runs[at];
    if (!run) return [];
    return [
      {
        line: lineAt(content, run.index),
        rule: `${finding.rule} (${run.how})`,
        value: finding.value,
        encoded: run.encoded,
      },
    ];
  });
  return [...direct, ...found];
}

/** The value masked for a report: its first four characters, then stars. */
export function maskSecret(value: string): string {
  const head = value.slice(0, Math.min(4, Math.floor(value.length / 4)));
  return `${head}${'*'.repeat(Math.min(12, Math.max(4, value.length - head.length)))}`;
}

function lineAt(content: string, index: number): number {
  let line = 1;
  for (let i = content.indexOf('\n'); i !== -1 && i < index; i = content.indexOf('\n', i + 1))
    line += 1;
  return line;
}

/** The path with its control characters and line separators made visible as `?`. */
function labelOf(path: string): string {
  return path.replace(/[\p{Cc}\u2028\u2029]/gu, '?');
}

function extOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? path.slice(dot) : '';
}
