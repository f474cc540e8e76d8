// Folders are layers (docs/contributing.md "Where things live"): read from the source, value
// imports only (`import type` and `{ type X }`-only imports vanish at compile time; `import()`
// counts), no two top-level folders import each other's values, nothing imports against the
// layer order, the plug-in files the workflow loads import contract/ only, and no module loads
// itself through a circle. Pure: parses files, runs nothing. The first cases plant each kind of
// violation in a made-up tree to show the checks bite.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  importCircles,
  LAYERS,
  mutualPairs,
  upwardImports,
  valueImportsOf,
  valueSpecifiers,
  workflowSideImports,
  type Edge,
} from './support/import-graph.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const edge = (from: string, to: string, bundled = true): Edge => ({ from, to, bundled });

describe('the import checks catch planted violations', () => {
  it('reads value imports only, dynamic ones included', () => {
    const source = [
      "import type { A } from './a.js';",
      "import { type B, type C } from './b.js';",
      "import { d, type E } from './d.js';",
      "import * as f from './f.js';",
      "import './g.js';",
      "export type { H } from './h.js';",
      "export { i } from './i.js';",
      "export * from './j.js';",
      "const k = () => import('./k.js');",
      "const l = () => import(/* webpackIgnore: true */ './l.js');",
      "import { z } from 'zod';",
    ].join('\n');
    expect(valueSpecifiers('x.ts', source)).toEqual([
      { text: './d.js', bundled: true },
      { text: './f.js', bundled: true },
      { text: './g.js', bundled: true },
      { text: './i.js', bundled: true },
      { text: './j.js', bundled: true },
      { text: './k.js', bundled: true },
      { text: './l.js', bundled: false },
    ]);
  });

  it('with types, type-only imports count too', () => {
    const source = [
      "import type { A } from './a.js';",
      "import { type B } from './b.js';",
      "export type { C } from './c.js';",
    ].join('\n');
    expect(valueSpecifiers('x.ts', source)).toEqual([]);
    expect(valueSpecifiers('x.ts', source, { types: true }).map((s) => s.text)).toEqual(['./a.js', './b.js', './c.js']);
  });

  it('two folders importing each other', () => {
    const edges = [edge('activities/a.ts', 'analysis/b.ts'), edge('analysis/c.ts', 'activities/d.ts')];
    expect(mutualPairs(edges)).toEqual(['activities <-> analysis']);
  });

  it('an import against the layer order', () => {
    expect(upwardImports([edge('activities/policy.ts', 'worker/policy-rules.ts')])).toEqual([
      'activities/policy.ts -> worker/policy-rules.ts',
    ]);
    expect(upwardImports([edge('contract/types.ts', 'workflows/x.ts')])).toEqual(['contract/types.ts -> workflows/x.ts']);
    expect(upwardImports([edge('worker/main.ts', 'activities/octokit.ts'), edge('client/a.ts', 'worker/b.ts')])).toEqual([]);
  });

  it("a plug-in's workflow side importing workflows/ or a Node-side layer (its unbundled parts may)", () => {
    const edges = [
      edge('workflows/phases/switch.ts', 'switches/registry.ts'),
      edge('switches/registry.ts', 'switches/http/index.ts'),
      edge('switches/http/index.ts', 'switches/http/step.ts'),
      edge('switches/http/step.ts', 'workflows/activity-proxies.ts'),
      edge('switches/http/step.ts', 'contract/failures.ts'),
      edge('switches/http/index.ts', 'switches/http/activities.ts', false),
      edge('switches/http/activities.ts', 'activities/heartbeat.ts'),
    ];
    expect(workflowSideImports(edges)).toEqual(['switches/http/step.ts -> workflows/activity-proxies.ts']);
  });

  it('a runtime import circle, within a folder or across', () => {
    const edges = [
      edge('codec/aes-gcm-codec.ts', 'codec/remote-codec.ts'),
      edge('codec/remote-codec.ts', 'codec/aes-gcm-codec.ts'),
      edge('a/x.ts', 'a/y.ts'),
      edge('a/y.ts', 'b/z.ts'),
      edge('b/z.ts', 'a/x.ts'),
      edge('a/self.ts', 'a/self.ts'),
      edge('a/x.ts', 'a/leaf.ts'),
    ];
    expect(importCircles(edges).sort()).toEqual([
      ['a/self.ts'],
      ['a/x.ts', 'a/y.ts', 'b/z.ts'],
      ['codec/aes-gcm-codec.ts', 'codec/remote-codec.ts'],
    ]);
  });
});

describe('the source', () => {
  const edges = valueImportsOf(ROOT, Object.keys(LAYERS));

  it('has its layers and their imports', () => {
    expect(edges.length).toBeGreaterThan(300);
    for (const folder of ['contract', 'views', 'workflows', 'worker', 'client']) {
      expect(edges.some((e) => e.from.startsWith(`${folder}/`))).toBe(true);
    }
  });

  it('no two top-level folders import each other’s values', () => expect(mutualPairs(edges)).toEqual([]));

  it('nothing imports a value from a layer above it', () => expect(upwardImports(edges)).toEqual([]));

  it('the plug-in files the workflow loads import values from contract/ and their own folder only', () =>
    expect(workflowSideImports(edges)).toEqual([]));

  // The plug-ins fill the contract's slots for their plan types (contract/plugin-plans.ts), so the
  // layers hold for types too: the contract names no plug-in, and no pair of folders knows each other.
  it('no two top-level folders import each other, type imports included', () =>
    expect(mutualPairs(valueImportsOf(ROOT, Object.keys(LAYERS), { types: true }))).toEqual([]));

  it('contract/ imports nothing of ours outside it, type imports included', () =>
    expect(
      valueImportsOf(ROOT, ['contract'], { types: true })
        .filter((e) => !e.to.startsWith('contract/'))
        .map((e) => `${e.from} -> ${e.to}`),
    ).toEqual([]));

  it('no runtime import circle, the tests, lab, bench and scripts included', () => {
    const everything = valueImportsOf(ROOT, [...Object.keys(LAYERS), 'lab', 'test', 'bench', 'scripts']);
    expect(importCircles(everything)).toEqual([]);
  });
});
