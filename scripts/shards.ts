// CI's shards (test/shards.json): each tier's files (test/tiers.ts) cut into jobs of
// about equal measured time, each naming the engines its files run.
//   npm run shards                      balance again from the times test/shards.json holds (a new file: its tier's median)
//   npm run shards -- --report R.json   balance again from a vitest JSON report's times
//   npm run shards -- --most 480        the seconds a job may take at most (480 unless told)
// A report comes from `npx vitest run --reporter=json --outputFile=R.json` (or .ci/run's,
// which keeps it as $BATON_CI_REPORT where that is set).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readShards, SHARDS_FILE, type Shard, shardEngines, testFilesOf } from '../test/shards.js';
import { TIERS, type Tier } from '../test/tiers.js';

const { values } = parseArgs({
  options: { report: { type: 'string' }, most: { type: 'string', default: '480' } },
});
const most = Number(values.most);
if (!Number.isFinite(most) || most <= 0) {
  console.error(`--most takes a number of seconds, not ${values.most}`);
  process.exit(2);
}

const root = process.cwd();
const known = new Map<string, number>();
for (const shard of readShards(root))
  for (const [file, s] of Object.entries(shard.files)) known.set(file, s);
if (values.report) {
  const report = JSON.parse(readFileSync(values.report, 'utf8')) as {
    testResults: { name: string; startTime: number; endTime: number }[];
  };
  for (const suite of report.testResults) {
    const seconds = Math.max(1, Math.round((suite.endTime - suite.startTime) / 1000));
    // The report's paths are the run's own (another clone, perhaps): from its test/ on.
    const at = suite.name.lastIndexOf('/test/', suite.name.indexOf('.test.'));
    known.set(at === -1 ? path.relative(root, suite.name) : suite.name.slice(at + 1), seconds);
  }
}

/** Longest first, each into the job with least so far: within a tier, jobs of about equal time. */
function balance(tier: Tier, files: string[]): Shard[] {
  const seconds = (file: string) => known.get(file) ?? median(files.map((f) => known.get(f)));
  const total = files.reduce((sum, file) => sum + seconds(file), 0);
  const jobs = Math.max(1, Math.ceil(total / most));
  const shards = Array.from({ length: jobs }, (_, i) => ({
    name: jobs === 1 ? tier : `${tier}-${i + 1}`,
    tier,
    seconds: 0,
    engines: [] as string[],
    files: {} as Record<string, number>,
  }));
  for (const file of [...files].sort((a, b) => seconds(b) - seconds(a) || a.localeCompare(b))) {
    const lightest = shards.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    lightest.files[file] = seconds(file);
    lightest.seconds += seconds(file);
  }
  for (const shard of shards) {
    shard.files = Object.fromEntries(
      Object.entries(shard.files).sort(([a], [b]) => a.localeCompare(b)),
    );
    shard.engines = shardEngines(root, tier, Object.keys(shard.files));
  }
  return shards;
}

function median(values: (number | undefined)[]): number {
  const known = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  return known[Math.floor(known.length / 2)] ?? 10;
}

const shards = (Object.keys(TIERS) as Tier[]).flatMap((tier) =>
  balance(tier, testFilesOf(root, tier)),
);
writeFileSync(path.join(root, SHARDS_FILE), `${JSON.stringify({ most, shards }, null, 2)}\n`);
for (const shard of shards) {
  console.log(
    `${shard.name}: ${Object.keys(shard.files).length} files, ${shard.seconds} s measured, engines: ${shard.engines.join(', ') || 'none'}`,
  );
}
