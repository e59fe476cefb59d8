import { afterEach, describe, expect, it } from 'vitest';
import { type FakeReply, lastToolResults, reply, toolUse } from '../../sim/fake-anthropic.js';
import { defaultConfig } from '../../src/core/config/config.js';
import { MAX_TEST_RUNS } from '../../src/session/agent/roles/hand-in/test-gate.js';
import { findTestCommand } from '../../src/session/agent/test-command.js';
import { renderPullBody } from '../../src/session/publish/write/pull-body.js';
import {
  BUILD,
  completes,
  makeTempDir,
  removeTempDirs,
  runSession,
  workerRepo,
  writeFiles,
} from './agent-fixtures.js';

afterEach(removeTempDirs);

const CHECK = `const fs = require('node:fs');
const text = fs.existsSync('greeting.txt') ? fs.readFileSync('greeting.txt', 'utf8').trim() : '';
if (text !== 'hello') { console.log('greeting is wrong: ' + JSON.stringify(text)); process.exit(1); }
console.log('ok');
`;
const complete = () =>
  reply(toolUse('submit_completion', { status: 'complete', summary: 'Greeting added.' }));
const write = (text: string) => reply(toolUse('bash', { command: `echo ${text} > greeting.txt` }));

/** W1.1's work session in a repository whose `npm test` checks greeting.txt. */
async function runWork(replies: FakeReply[]) {
  const { root } = await workerRepo({
    files: {
      'package.json': JSON.stringify({ name: 'demo', scripts: { test: 'node check.cjs' } }),
      'check.cjs': CHECK,
    },
  });
  return runSession({ root, env: { BATON_WORKER: 'W1.1' }, replies });
}

describe('a work session runs the tests before it hands in', () => {
  it('sends a report back while the tests fail, and takes it once they pass', async () => {
    const { result, requests } = await runWork([
      write('hi'),
      complete(),
      write('hello'),
      complete(),
    ]);
    expect(result.status).toBe('complete');
    const [sentBack] = lastToolResults(requests[2] as (typeof requests)[number]);
    expect(sentBack?.is_error).toBe(true);
    expect(String(sentBack?.content)).toContain('npm test');
    expect(String(sentBack?.content)).toContain('greeting is wrong: "hi"');
    expect(result.completion?.tests).toEqual({ status: 'passed', command: 'npm test', detail: '' });
  });

  it('reports failing tests with their tail when the model cannot fix them', async () => {
    const { result, requests } = await runWork([
      write('hi'),
      ...Array.from({ length: MAX_TEST_RUNS }, complete),
    ]);
    expect(requests).toHaveLength(1 + MAX_TEST_RUNS);
    expect(result.completion?.tests?.status).toBe('failed');
    expect(result.completion?.tests?.detail).toContain('greeting is wrong: "hi"');
    const body = renderPullBody({ build: BUILD, completion: result.completion! });
    expect(body).toContain('❌ Baton ran `npm test` before handing in: failed.');
    expect(body).toContain('greeting is wrong: "hi"');
  });

  it('does not let the model claim test results of its own', async () => {
    const claim = completes({ tests: { status: 'passed', command: 'npm test', detail: '' } });
    const { requests } = await runWork([write('hello'), claim, complete()]);
    const [refused] = lastToolResults(requests[2] as (typeof requests)[number]);
    expect(refused?.is_error).toBe(true);
    expect(String(refused?.content)).toMatch(/tests/);
  });
});

describe('findTestCommand', () => {
  it.each<[string, Record<string, string>, string | null]>([
    [
      'package.json scripts.test',
      { 'package.json': '{"scripts":{"test":"vitest run"}}' },
      'npm test',
    ],
    [
      "npm's placeholder script",
      { 'package.json': '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}' },
      null,
    ],
    [
      'pyproject with pytest',
      { 'pyproject.toml': '[tool.pytest.ini_options]\naddopts = "-q"\n' },
      'pytest',
    ],
    ['pytest.ini', { 'pytest.ini': '[pytest]\n' }, 'pytest'],
    ['go.mod', { 'go.mod': 'module x\n' }, 'go test ./...'],
    ['Cargo.toml', { 'Cargo.toml': '[package]\nname = "x"\n' }, 'cargo test'],
    ['nothing', { 'README.md': '# x\n' }, null],
  ])('finds the command from %s', async (_name, files, expected) => {
    const root = await makeTempDir();
    await writeFiles(root, files);
    const found = await findTestCommand(root, defaultConfig());
    expect('command' in found ? found.command : null).toBe(expected);
  });

  it('takes session.test over the repository, and false for none', async () => {
    const root = await makeTempDir();
    await writeFiles(root, { 'go.mod': 'module x\n' });
    const config = defaultConfig();
    const set = { ...config, session: { ...config.session, test: 'make check' } };
    expect(await findTestCommand(root, set)).toEqual({ command: 'make check' });
    const off = { ...config, session: { ...config.session, test: false as const } };
    expect(await findTestCommand(root, off)).toEqual({
      none: 'session.test is false in .github/baton.yml',
    });
  });
});
