// `npm run bench -- --only …` rewrites some sections of BENCHMARKS.md: the others, their summary
// rows and the notes saying when they were last re-run must stay (a re-run of 1 and 5 once
// dropped the notes of 3 and 6).
import { describe, expect, it } from 'vitest';
import { spliceSections } from '../bench/support/splice.js';

const existing = [
  '# Benchmarks',
  '',
  'Produced by `npm run bench` (full run, 923 s) on 2026-11-24.',
  'Re-run: 1, 5 by `npm run bench -- --only overhead,history-size` (full, 332 s) on 2026-12-01.',
  'Re-run: 6 by `npm run bench -- --only scale` (full, 240 s) on 2026-12-01.',
  '',
  '## Summary',
  '',
  '| section | target | figure | verdict |',
  '| --- | --- | --- | --- |',
  '| 1. Orchestration overhead | < 1 s | 530 ms | **met** |',
  '| 6. Scale | 500 | 500/500 | **met** |',
  '',
  '## 1. Orchestration overhead',
  '',
  'old figures',
  '',
  '## 6. Scale',
  '',
  'scale figures',
  '',
].join('\n');

const result = { id: 'overhead', title: '1. Orchestration overhead', markdown: 'new figures\n', targets: [], data: {} };

describe('bench: re-running some sections', () => {
  const note = '1, 5 by `npm run bench -- --only overhead,history-size` (full, 316 s) on 2026-12-02.';
  const spliced = spliceSections(existing, [result], ['| 1. Orchestration overhead | < 1 s | 535 ms | **met** |'], note);

  it('replaces the re-run section and its summary row, keeps the others', () => {
    expect(spliced).toContain('new figures');
    expect(spliced).not.toContain('old figures');
    expect(spliced).toContain('scale figures');
    expect(spliced).toContain('| 1. Orchestration overhead | < 1 s | 535 ms | **met** |');
    expect(spliced).not.toContain('530 ms');
    expect(spliced).toContain('| 6. Scale | 500 | 500/500 | **met** |');
  });

  it("replaces the note of the same sections and keeps the other sections' notes", () => {
    const notes = spliced.split('\n').filter((l) => l.startsWith('Re-run: '));
    expect(notes).toEqual([`Re-run: ${note}`, 'Re-run: 6 by `npm run bench -- --only scale` (full, 240 s) on 2026-12-01.']);
  });
});
