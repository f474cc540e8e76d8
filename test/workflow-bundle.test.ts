// What the workflow bundle carries. Every workflow context holds its own copy, so config code
// (zod) and the switch types' client parts and activities stay out: a switch manifest
// (switches/<type>/index.ts) imports its step only and loads the rest behind
// `import(/* webpackIgnore: true */ …)`. A static import of a client part brings zod back (1.31 MB).
import { describe, expect, it } from 'vitest';
import { workflowBundle } from './support/harness.js';

/** The source files webpack put in the bundle, as it names them (e.g. `./switches/dns/step.ts`). */
const modulesOf = (code: string) => [
  ...new Set([...code.matchAll(/__webpack_require__\(\/\*! [^*]+ \*\/ "([^"]+)"\)/g)].map((m) => m[1]!)),
];

describe('the workflow bundle', () => {
  it('carries the switch steps but no zod, no switch client part and no switch activities', async () => {
    const modules = modulesOf((await workflowBundle()).code);
    expect(modules).toContain('./switches/dns/step.ts');
    expect(modules).toContain('./switches/registry.ts');
    expect(modules.filter((m) => /\/node_modules\/zod\//.test(m))).toEqual([]);
    expect(modules.filter((m) => /^\.\/switches\/[^/]+\/(client|activities)\.ts$/.test(m))).toEqual([]);
  });

  // The release train (a second workflow type, releaseTrain) added 0.06 MB on 2026-12-07; the hot
  // standby, the train's GitHub gate and its notifications 0.08 MB more the same day. Zod back in
  // would still cross the bound.
  it('stays under 1.2 MB of code (0.87 MB on 2026-12-02, 1.13 MB on 2026-12-07; zod alone adds 0.44 MB)', async () => {
    const { code } = await workflowBundle();
    const withoutMap = code.replace(/\/\/# sourceMappingURL=.*$/m, '');
    expect(withoutMap.length).toBeLessThan(1_200_000);
  });
});
