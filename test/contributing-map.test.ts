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
const EXAMPLES: Record<string, string> = { consul: 'switches', tcp: 'analysis', datadog: 'analysis', discord: 'notify' };

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

  // "One folder plus one registry line", for each plug-in kind: the manifest (index.ts) of each
  // folder is imported by its registry alone, and the registry's list names it once. A folder
  // without a manifest holds a provider's calls before its type is wired.
  const KINDS = [
    { root: 'switches', list: 'SWITCHES' },
    { root: 'analysis', list: 'PROVIDERS' },
    { root: 'notify', list: 'CHANNELS' },
  ];
  const pluginFolders = (root: string) =>
    readdirSync(join(ROOT, root)).filter(
      (name) => statSync(join(ROOT, root, name)).isDirectory() && existsSync(join(ROOT, root, name, 'index.ts')),
    );
  const plugins = KINDS.flatMap(({ root, list }) => pluginFolders(root).map((name) => [root, name, list] as const));
  const source = (f: string) => readFileSync(join(ROOT, f), 'utf8');
  it.each(plugins)('%s/%s is one line in its registry', (root, name, list) => {
    const registryFile = `${root}/registry.ts`;
    const importers = allFiles
      .filter((f) => !f.startsWith('test/') && !f.startsWith(`${root}/${name}/`) && f.endsWith('.ts'))
      .filter((f) => new RegExp(`['"][./]*(${root}/)?${name}/index\\.js['"]`).test(source(f)));
    expect(importers).toEqual([registryFile]);
    const registry = source(registryFile);
    const entries = registry
      .match(new RegExp(`${list} = \\[([^\\]]*)\\]`))![1]!
      .split(',')
      .map((s) => s.trim());
    expect(entries.filter((entry) => registry.includes(`import { ${entry} } from './${name}/index.js'`))).toHaveLength(1);
  });
  it('there are plug-ins of every kind', () => {
    for (const { root } of KINDS) expect(pluginFolders(root).length, root).toBeGreaterThan(1);
  });

  // "Nothing in client/ or worker/ changes": they import nothing from inside a metric provider's or
  // channel's folder and name no provider or channel type (no comparison with it, no `type:`/`provider:`
  // literal of it); they read the registries. (Switch types are composed through switches/client.ts
  // and switches/activities.ts; doctor and the init wizard ask a switch's client part.)
  const onTop = allFiles.filter((f) => /^(client|worker)\//.test(f) && f.endsWith('.ts'));
  const providersAndChannels = KINDS.filter((k) => k.root !== 'switches').flatMap(({ root }) =>
    pluginFolders(root).map((name) => [root, name] as const),
  );
  it.each(providersAndChannels)('no client/ or worker/ file reaches into %s/%s', (root, name) => {
    const reaching = onTop.filter((f) => new RegExp(`['"][./]*${root}/${name}/`).test(source(f)));
    expect(reaching).toEqual([]);
  });
  it.each(providersAndChannels)('no client/ or worker/ file names a type %s/%s registers', (root, name) => {
    const manifest = source(`${root}/${name}/index.ts`);
    const types = [...manifest.matchAll(/\b(?:type|provider|aliases): \[?'([a-z0-9-]+)'/g)].map((m) => m[1]!);
    expect(types.length, `${root}/${name}/index.ts declares its type`).toBeGreaterThan(0);
    for (const type of types) {
      const quoted = `['"]${type}['"]`;
      // A type or provider field compared with it or set to it (other words that happen to be spelled alike, an output format
      // "json" or a dispatch input "color", are not about plug-ins).
      const naming = new RegExp(
        `\\b(type|provider)\\s*[!=]==\\s*${quoted}|${quoted}\\s*[!=]==\\s*[\\w.?]*\\b(type|provider)\\b|\\b(type|provider): ${quoted}`,
      );
      expect(
        onTop.filter((f) => naming.test(source(f))),
        type,
      ).toEqual([]);
    }
  });

  it.each([
    ["doctor's preflight", 'what it dispatches', /^client\/preflight\//],
    ['the init wizard', 'how init offers, asks for and writes it', /^client\/(init\/|commands\/init\.ts$)/],
  ])("%s names no switch type: the switch's client part says %s", (_what, _says, files) => {
    const preflight = onTop.filter((f) => files.test(f));
    expect(preflight.length).toBeGreaterThan(0);
    for (const name of pluginFolders('switches')) {
      const type = /\btype: '([a-z0-9-]+)'/.exec(source(`switches/${name}/index.ts`))?.[1];
      expect(type, `switches/${name}/index.ts declares its type`).toBeDefined();
      const quoted = `['"]${type}['"]`;
      const naming = new RegExp(`\\btype\\s*[!=]==\\s*${quoted}|${quoted}\\s*[!=]==\\s*[\\w.?]*\\btype\\b|\\btype: ${quoted}`);
      expect(
        preflight.filter((f) => naming.test(source(f))),
        type,
      ).toEqual([]);
    }
  });

  it('the recipes say so', () => {
    expect(architecture).toMatch(/own folder plus one line in `switches\/registry\.ts`/);
    expect(architecture).toMatch(/A switch type that needs a credential[\s\S]*nothing in `worker\/`\s+changes/);
    expect(architecture).toMatch(/one `defineProvider` in its folder plus one line in `analysis\/registry\.ts`/);
    expect(architecture).toMatch(/metric provider[\s\S]*one folder plus one line in\s+`analysis\/registry\.ts`/);
    expect(architecture).toMatch(/own folder plus one line in `notify\/registry\.ts`/);
    // Each recipe names the manifest's parts: schema, dry-run text, step or activity, policy part, bounds.
    for (const part of ['schema', 'dry-run text', 'step', 'activities', 'policy', 'bounds', 'secrets', 'touches', 'problems'])
      expect(architecture, part).toContain(part);
  });
});
