// docs/contributing.md "Architecture" is the map a new engineer follows; this keeps it true to the
// code. Every file it names exists; a name with a placeholder (`switches/<type>/step.ts`) or the
// recipes' example (`consul`, a switch type that does not exist yet) matches a file of at least one
// real type; an identifier named beside a file (`switches/registry.ts` (`SWITCHES`)) is in it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const doc = readFileSync(join(ROOT, 'docs/contributing.md'), 'utf8');
const architecture = doc.slice(doc.indexOf('## Architecture'), doc.indexOf('\n## ', doc.indexOf('## Architecture') + 1));

/** The recipes' examples of things to add, and the folder whose real entries stand in for them. */
const EXAMPLES: Record<string, string> = { consul: 'switches' };

const SOURCE_DIRS = [
  'contract',
  'views',
  'workflows',
  'switches',
  'analysis',
  'activities',
  'client',
  'worker',
  'webhook',
  'notify',
  'codec',
  'test',
];

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(join(ROOT, path)).isDirectory() ? filesUnder(path) : [path];
  });
}
const allFiles = SOURCE_DIRS.flatMap(filesUnder);

const mentioned = [...architecture.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
const paths = [...new Set(mentioned.filter((t) => /\.(ts|md)$|\/$/.test(t) && !t.startsWith('.') && !t.includes('(')))];

/** The concrete files a documented path may stand for: placeholders and examples become wildcards. */
function matcher(path: string): RegExp {
  let pattern = path.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  pattern = pattern.replace(/<[^>]+>|\*/g, '[^/]+');
  for (const example of Object.keys(EXAMPLES)) pattern = pattern.replace(new RegExp(`(^|/)${example}(/|$)`), '$1[^/]+$2');
  return new RegExp(`^${pattern}${path.endsWith('/') ? '' : '$'}`);
}

describe('docs/contributing.md Architecture', () => {
  it('names files', () => expect(paths.length).toBeGreaterThan(30));

  it.each(paths)('%s exists (or, for a placeholder or example, matches a real file)', (path) => {
    if (path.includes('/') && !/<|\*/.test(path) && !Object.keys(EXAMPLES).some((e) => path.includes(`/${e}/`))) {
      expect(existsSync(join(ROOT, path)), path).toBe(true);
      return;
    }
    if (!path.includes('/')) {
      expect(
        allFiles.some((f) => basename(f) === path),
        path,
      ).toBe(true);
      return;
    }
    const re = matcher(path);
    expect(
      allFiles.some((f) => re.test(f)),
      `${path} (as ${re})`,
    ).toBe(true);
  });

  it('the recipes add examples that do not exist yet', () => {
    for (const [example, folder] of Object.entries(EXAMPLES)) expect(existsSync(join(ROOT, folder, example))).toBe(false);
  });

  const named = [...new Set([...architecture.matchAll(/`([\w/.-]+\.ts)` \(`(\w+)`/g)].map((m) => `${m[1]} ${m[2]}`))].map(
    (pair) => pair.split(' ') as [string, string],
  );
  it.each(named.filter(([file]) => existsSync(join(ROOT, file))))('%s defines %s', (file, identifier) => {
    expect(readFileSync(join(ROOT, file), 'utf8')).toMatch(new RegExp(`\\b${identifier}\\b`));
  });

  // "A switch type: its own folder plus one registry line": the manifest of each type folder is
  // imported by switches/registry.ts alone, and the SWITCHES list names it once.
  // A folder without a manifest (index.ts) holds a provider's calls before its type is wired.
  const switchTypes = readdirSync(join(ROOT, 'switches')).filter(
    (name) => statSync(join(ROOT, 'switches', name)).isDirectory() && existsSync(join(ROOT, 'switches', name, 'index.ts')),
  );
  it.each(switchTypes)('switch type %s is one line in switches/registry.ts', (type) => {
    const importers = allFiles
      .filter((f) => !f.startsWith('test/') && !f.startsWith(`switches/${type}/`) && f.endsWith('.ts'))
      .filter((f) => new RegExp(`['"][./]*(switches/)?${type}/index\\.js['"]`).test(readFileSync(join(ROOT, f), 'utf8')));
    expect(importers).toEqual(['switches/registry.ts']);
    const registry = readFileSync(join(ROOT, 'switches/registry.ts'), 'utf8');
    const list = registry
      .match(/SWITCHES = \[([^\]]*)\]/)![1]!
      .split(',')
      .map((s) => s.trim());
    expect(list.filter((name) => registry.includes(`import { ${name} } from './${type}/index.js'`))).toHaveLength(1);
  });
  it('the switch recipe says so', () => expect(architecture).toMatch(/own folder plus one line in `switches\/registry\.ts`/));
});
