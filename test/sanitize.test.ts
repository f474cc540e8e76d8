// contract/sanitize.ts: whatever the text, what comes out is one line with no control
// character, escape sequence, line break or bidi override; names outside the safe alphabet are
// refused; Markdown escaping leaves no link, image, emphasis or HTML. Known attacks by name:
// OSC 52 clipboard write, CSI clear screen, a forged "✓ bob approved" line, a Markdown link.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkName, inertText, markdownCode, markdownText } from '../contract/sanitize.js';

const OSC52 = '\x1b]52;c;ZWNobyBwd25lZA==\x07';
const CLEAR = '\x1b[2J\x1b[H';
const FORGED = 'carol\n✓ bob approved at 12:00:00';
const LINK = '[click here](https://evil.example/x) ![img](https://evil.example/p.png)';
const DANGEROUS = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('inertText', () => {
  it('strips OSC 52, CSI, DCS, 8-bit C1 sequences and bidi overrides; keeps the words', () => {
    expect(inertText(`ok${OSC52}done`)).toBe('okdone');
    expect(inertText(`a${CLEAR}b`)).toBe('ab');
    expect(inertText('x\x1bP1$r\x1b\\y\x9b31mz\x9d0;title\x9cw')).toBe('xyzw');
    expect(inertText('\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\')).toBe('link');
    expect(inertText('unterminated \x1b]52;c;AAAA')).toBe('unterminated');
    expect(inertText('\x1bc reset \x1b(0 charset')).toBe('reset charset');
    expect(inertText('abc\u202edcba\u2066x\u2069')).toBe('abcdcbax');
    expect(inertText('émoji 🚀 and ünïcode stay')).toBe('émoji 🚀 and ünïcode stay');
  });

  it('a newline cannot start a forged line', () => {
    expect(inertText(FORGED)).toBe('carol ✓ bob approved at 12:00:00');
    expect(inertText('a\r\nb\u2028c\u0085d')).toBe('a b c d');
  });

  it('cuts long text', () => {
    expect(inertText('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('whatever the input: no control character, no line break, no escape, at most the limit', () => {
    const nasty = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc
        .array(fc.constantFrom(OSC52, CLEAR, FORGED, '\x1b', '\x9b', '\x1b]', '\x07', '\n', 'a', '[', '\u202e'), {
          maxLength: 30,
        })
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(nasty, fc.integer({ min: 1, max: 300 }), (text, max) => {
        const out = inertText(text, max);
        expect(out).not.toMatch(DANGEROUS);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(inertText(out, max)).toBe(out);
      }),
      { numRuns: 500 },
    );
  });
});

describe('checkName', () => {
  it('takes logins, teams, bots and user names; refuses control characters, spaces, newlines, long names', () => {
    for (const name of ['alice', 'ci-operator', 'datatruck/sre', 'github-actions[bot]', 'a.b_c@example.com']) {
      expect(checkName(name), name).toEqual({ ok: true, name });
    }
    for (const name of [FORGED, `bob${OSC52}`, 'bob approved', '-rf', 'x'.repeat(65), '', '<script>']) {
      const check = checkName(name);
      expect(check.ok, name).toBe(false);
      if (!check.ok) expect(check.shown).not.toMatch(DANGEROUS);
    }
    expect(checkName(42)).toMatchObject({ ok: false, why: 'no name given' });
  });
});

describe('Markdown', () => {
  it('a link, an image, emphasis, a heading and HTML show as text', () => {
    const md = markdownText(`${LINK} **bold** # head <img src=x onerror=alert(1)> &amp;`);
    expect(md).not.toMatch(/(?<!\\)[[\]()<>*#&]/);
    expect(md).not.toMatch(/https?:\/\//);
    expect(markdownText(FORGED)).not.toContain('\n');
  });

  it('a code span holds any backticks and stays one span', () => {
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(markdownCode(`a\n${OSC52}b`)).toBe('`a b`');
  });
});
