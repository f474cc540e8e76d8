// Every patch id lives in contract/patches.ts: workflow code asks `isPatched(id)` / `hasPatch(id)`
// (typed to the module's ids), never `patched()` itself, and every id the module lists is asked
// somewhere (an id nobody asks is one to retire, not to keep).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EARLIER_PATCHES, PATCHES } from '../contract/patches.js';

const ROOT = new URL('..', import.meta.url).pathname;
const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
const code = ['workflows', 'contract', 'switches', 'analysis']
  .flatMap(sources)
  .filter((path) => path !== 'contract/patches.ts')
  .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8').replace(/\/\/.*$/gm, '') }));

describe('patch ids', () => {
  it('are asked through contract/patches.ts only', () => {
    const direct = code.filter(({ text }) => /(^|[^.\w])(patched|deprecatePatch)\(/m.test(text)).map(({ path }) => path);
    expect(direct).toEqual([]);
  });

  it('are each asked somewhere', () => {
    const ids = [...Object.keys(EARLIER_PATCHES), ...Object.keys(PATCHES)];
    expect(ids.length).toBeGreaterThanOrEqual(20);
    const asked = (id: string) => code.some(({ text }) => text.includes(`'${id}'`));
    expect(ids.filter((id) => !asked(id) && id !== 'plan-reads-in-one-activity')).toEqual([]);
  });
});
