// The phases table (contract/vocabulary.ts) is the one source of phase order: the README diagram
// names its steps in the same order, the status lists them in that order, and a phase listed only
// when it runs lands at its place in the table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialPhases, PHASE_TABLE, phasePosition, SEQUENCE } from '../contract/vocabulary.js';
import { bluegreenCommand, decisionCommand } from '../contract/commands.js';
import type { DeploymentPlan } from '../contract/types.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The phase names of the README diagram's first line: `[preSwitch hooks]` → preSwitch, `(bake)` → bake. */
function diagramSteps(): string[] {
  const line = readme.split('\n').find((l) => l.trimStart().startsWith('plan ─▶'));
  if (!line) throw new Error('README.md has no diagram line starting with "plan ─▶"');
  return line
    .split('─▶')
    .map((step) =>
      step
        .trim()
        .replace(/^\[(\w+) hooks\]$/, '$1')
        .replace(/^\((\w+)\)$/, '$1'),
    )
    .filter((step) => step !== 'SUCCEEDED');
}

const plan = (over: { required?: boolean; syncEnabled?: boolean; afterMs?: number; pre?: string[]; post?: string[] }) =>
  ({
    approval: { required: over.required ?? true },
    sync: { enabled: over.syncEnabled ?? true, ...(over.afterMs ? { afterMs: over.afterMs } : {}) },
    hooks: {
      preSwitch: (over.pre ?? []).map((name) => ({ name })),
      postSync: (over.post ?? []).map((name) => ({ name })),
    },
  }) as unknown as DeploymentPlan;

describe('the phases table', () => {
  it('is the order of the README diagram', () => {
    expect(diagramSteps()).toEqual([...SEQUENCE]);
  });

  it('names every on-demand phase in the README diagram', () => {
    for (const row of PHASE_TABLE) if ('onDemand' in row) expect(readme).toContain(`─▶ ${row.name} ─▶`);
  });

  it('lists a new deployment’s phases in table order, hooks expanded, optional ones skipped or left out', () => {
    expect(initialPhases(plan({ pre: ['migrate'], post: ['contract'] }))).toEqual([
      { name: 'plan', state: 'pending' },
      { name: 'deploy', state: 'pending' },
      { name: 'verify', state: 'pending' },
      { name: 'approval', state: 'pending' },
      { name: 'preSwitch:migrate', state: 'pending' },
      { name: 'switch', state: 'pending' },
      { name: 'monitor', state: 'pending' },
      { name: 'sync', state: 'pending' },
      { name: 'postSync:contract', state: 'pending' },
    ]);
    const names = initialPhases(plan({ required: false, syncEnabled: false, afterMs: 60_000 })).map(
      (p) => `${p.name}:${p.state}`,
    );
    expect(names).toEqual([
      'plan:pending',
      'deploy:pending',
      'verify:pending',
      'approval:skipped',
      'switch:pending',
      'monitor:pending',
      'bake:pending',
      'sync:skipped',
    ]);
  });

  it('puts a phase listed when it runs at its place in the table', () => {
    const names = initialPhases(plan({ pre: ['migrate'], post: ['contract'] })).map((p) => p.name);
    expect(names[phasePosition(names, 'window')]).toBe('preSwitch:migrate');
    expect(phasePosition(names, 'rollback')).toBe(names.length);
  });
});

describe('command lines', () => {
  it('are built by one function', () => {
    expect(decisionCommand('approve', 'svc', '[--comment "..."]')).toBe(
      bluegreenCommand('approve', 'svc', '--by <name>', '[--comment "..."]'),
    );
    expect(bluegreenCommand('worker', '')).toMatch(/bluegreen worker$/);
  });
});
