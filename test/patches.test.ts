// Every patch id lives in contract/patches.ts: workflow code asks `isPatched(id)` (step 1) or `deprecatedPatch(id)` (step 2), typed to the module's ids, never the SDK's
// `patched()` / `deprecatePatch()` itself; every id at those steps is asked somewhere, a retired
// id nowhere. The wait between two steps is the longest a deployment can live under the worker
// policy's default limits (worker/plan-bounds.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPRECATED_PATCHES, longestDeploymentMs, PATCHES, RETIRED_PATCHES, RETIREMENT_WAIT_DAYS } from '../contract/patches.js';
import { PLAN_BOUNDS } from '../worker/plan-bounds.js';

const ROOT = new URL('..', import.meta.url).pathname;
const DAY = 24 * 3_600_000;
const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
const code = ['workflows', 'contract', 'switches', 'analysis', 'views', 'notify']
  .flatMap(sources)
  .filter((path) => path !== 'contract/patches.ts')
  .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8').replace(/\/\/.*$/gm, '') }));
const asked = (id: string) => code.some(({ text }) => text.includes(`Patched('${id}')`) || text.includes(`Patch('${id}')`));

describe('patch ids', () => {
  it('are asked through contract/patches.ts only', () => {
    const direct = code.filter(({ text }) => /(^|[^.\w])(patched|deprecatePatch)\(/m.test(text)).map(({ path }) => path);
    expect(direct).toEqual([]);
  });

  it('at step 1 or 2 are each asked somewhere; retired ones nowhere', () => {
    const live = [...Object.keys(PATCHES), ...Object.keys(DEPRECATED_PATCHES)];
    expect(live.filter((id) => !asked(id))).toEqual([]);
    expect(Object.keys(RETIRED_PATCHES).filter(asked)).toEqual([]);
  });

  it('are each in one table only, with the version that added it and the reason for its step', () => {
    const tables = [PATCHES, DEPRECATED_PATCHES, RETIRED_PATCHES];
    const ids = tables.flatMap((t) => Object.keys(t));
    expect(ids.length).toBeGreaterThanOrEqual(20);
    expect(new Set(ids).size).toBe(ids.length);
    for (const info of tables.flatMap((t) => Object.values(t) as Array<{ added: string; decision: string }>)) {
      expect(info.added).toMatch(/^\d+\.\d+\.\d+ \([0-9a-f]{7}\)$/);
      expect(info.decision).not.toBe('');
    }
  });

  it('wait between two steps as long as a deployment can live under the default limits', () => {
    const limit = (name: keyof typeof PLAN_BOUNDS) => PLAN_BOUNDS[name].default;
    const longest = longestDeploymentMs({
      maxWaitMs: limit('maxWaitMs'),
      maxMonitorDurationMs: limit('maxMonitorDurationMs'),
      maxInitialDelayMs: limit('maxInitialDelayMs'),
      maxPhaseTimeoutMs: limit('maxPhaseTimeoutMs'),
    });
    expect(Math.ceil(longest / DAY)).toBe(RETIREMENT_WAIT_DAYS);
  });
});
