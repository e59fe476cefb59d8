import { describe, expect, it } from 'vitest';
import { terminalJson, terminalText } from '../../src/cli/terminal-text.js';

describe('terminalText', () => {
  it.each([
    ['OSC 52, a clipboard write, ended by BEL', 'a\x1b]52;c;ZXZpbA==\x07b', 'ab'],
    ['OSC 8, a link, ended by ST', 'a\x1b]8;;https://evil.example\x1b\\b', 'ab'],
    ['an OSC never ended', 'a\x1b]0;title', 'a'],
    ['CSI: erase the line, move up', 'a\x1b[2K\x1b[1Ab\x1b[31mc', 'abc'],
    ['DCS to ST', 'a\x1bPq#0;2;0;0;0\x1b\\b', 'ab'],
    ['APC, PM, SOS to ST', 'a\x1b_x\x1b\\b\x1b^y\x1b\\c\x1bXz\x1b\\d', 'abcd'],
    ['ESC and one character', 'a\x1bcb\x1b7c', 'abc'],
    ['8-bit CSI and OSC', 'a\u009b2Kb\u009d52;c;ZXZpbA==\u009cc', 'abc'],
    ['C0 controls but tab and newline, DEL', 'a\rb\bc\x00d\x7fe\tf\ng', 'abcde\tf\ng'],
    ['C1 controls', 'a\u0085b\u008dc', 'abc'],
    ['bidi overrides and isolates', 'a\u202eb\u2066c\u2069d', 'abcd'],
  ])('takes out %s', (_, text, printed) => {
    expect(terminalText(text)).toBe(printed);
  });

  it('leaves text that is no control as it is', () => {
    const text = 'Rename fetch → get — café, 東京, 🎉 [done] 50% (W1.2)';
    expect(terminalText(text)).toBe(text);
  });
});

describe('terminalJson', () => {
  it('escapes what a terminal would obey, so the JSON reads back whole', () => {
    const value = { title: 'a\x1b]52;c;x\x07\u009b2K\u202eb' };
    const json = terminalJson(value);
    expect(terminalText(json)).toBe(json);
    expect(JSON.parse(json)).toEqual(value);
  });
});
