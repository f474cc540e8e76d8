// The value-import graph of the source, read with the TypeScript parser (no compilation): which
// module loads which at run time. Type-only imports vanish at compile time and do not count;
// `import './x.js'`, `export * from` and dynamic `import()` do. test/layers.test.ts judges it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The top-level folders, lowest first, and the folders each may import values from: contract <
 * views < activities < plug-ins < workflows, and worker and client on the plug-ins (they name the
 * workflows, never load their code). `config/` (the operator files' vocabulary: zod field types,
 * YAML reading, Temporal connection settings) and the leaf services `codec/` and `webhook/` sit on
 * contract alone. What workflows/ loads of a plug-in is its workflow side (its step, its manifest,
 * its checks), which `workflowSideImports` holds to contract/.
 */
export const PLUG_INS = ['switches', 'analysis', 'notify'] as const;
const BELOW_PLUG_INS = ['contract', 'config', 'views', 'activities'];
export const LAYERS: Record<string, readonly string[]> = {
  contract: [],
  config: ['contract'],
  views: ['contract'],
  workflows: ['contract', 'views', ...PLUG_INS],
  activities: ['contract', 'config', 'views'],
  switches: BELOW_PLUG_INS,
  analysis: BELOW_PLUG_INS,
  notify: BELOW_PLUG_INS,
  codec: ['contract'],
  webhook: ['contract'],
  worker: [...BELOW_PLUG_INS, ...PLUG_INS, 'codec', 'webhook'],
  client: [...BELOW_PLUG_INS, ...PLUG_INS, 'codec', 'webhook', 'worker'],
};

/** One value import: `from` loads `to` (paths relative to the root, `.ts`). */
export interface Edge {
  from: string;
  to: string;
  /** False for a dynamic import marked `webpackIgnore: true`: loaded at run time, never bundled. */
  bundled: boolean;
}

/** A relative specifier and whether the workflow bundler follows it. */
interface Specifier {
  text: string;
  bundled: boolean;
}

/** The relative specifiers `source` loads at run time; with `types`, those it takes types from as well. */
export function valueSpecifiers(fileName: string, source: string, { types = false } = {}): Specifier[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Specifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && (types || !typeOnlyImport(node))) {
      found.push({ text: node.moduleSpecifier.text, bundled: true });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      (types || !typeOnlyExport(node))
    ) {
      found.push({ text: node.moduleSpecifier.text, bundled: true });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      (types || !node.isTypeOnly) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) found.push({ text: expr.text, bundled: true });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) {
        // The magic comment sits in the trivia before the specifier: import(/* … */ './x.js').
        const trivia = source.slice(arg.pos, arg.getStart(sf));
        found.push({ text: arg.text, bundled: !/webpackIgnore:\s*true/.test(trivia) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found.filter((s) => s.text.startsWith('.'));
}

function typeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // import './x.js': loaded for its effects
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly);
}

function typeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)
  );
}

/** The `.ts` file a relative specifier of `from` names, relative to `root`, or undefined outside it. */
function resolveSpecifier(root: string, from: string, specifier: string): string | undefined {
  const base = resolve(root, dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((c) => c.endsWith('.ts') && existsSync(c) && statSync(c).isFile());
  return hit ? relative(root, hit) : undefined;
}

function tsFilesUnder(root: string, dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return tsFilesUnder(root, path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every value import among the `.ts` files under `dirs`; with `types`, type-only imports too. */
export function valueImportsOf(root: string, dirs: readonly string[], options: { types?: boolean } = {}): Edge[] {
  return dirs
    .flatMap((dir) => tsFilesUnder(root, dir))
    .flatMap((from) =>
      valueSpecifiers(from, readFileSync(join(root, from), 'utf8'), options).flatMap(({ text, bundled }) => {
        const to = resolveSpecifier(root, from, text);
        return to ? [{ from, to, bundled }] : [];
      }),
    );
}

const folderOf = (path: string) => path.split('/')[0]!;

/** Pairs of top-level folders that import each other's values, each as `a <-> b` (a < b). */
export function mutualPairs(edges: readonly Edge[]): string[] {
  const between = new Set(edges.map((e) => `${folderOf(e.from)} ${folderOf(e.to)}`));
  return [...between]
    .map((pair) => pair.split(' ') as [string, string])
    .filter(([a, b]) => a < b && between.has(`${b} ${a}`))
    .map(([a, b]) => `${a} <-> ${b}`)
    .sort();
}

/** Imports against the layer order: `file -> file` where the target's folder is not below. */
export function upwardImports(edges: readonly Edge[], layers: Record<string, readonly string[]> = LAYERS): string[] {
  return edges
    .filter((e) => {
      const from = folderOf(e.from);
      const to = folderOf(e.to);
      return from !== to && from in layers && !layers[from]!.includes(to);
    })
    .map((e) => `${e.from} -> ${e.to}`)
    .sort();
}

/** Runtime import circles: every strongly connected group of modules larger than one (or importing itself). */
export function importCircles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  // Tarjan's algorithm, iteratively (deep import chains would overflow a recursive one).
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const circles: string[][] = [];
  let counter = 0;
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const targets = next.get(frame.node) ?? [];
      if (frame.i < targets.length) {
        const target = targets[frame.i++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, i: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== frame.node);
      if (group.length > 1 || targets.includes(frame.node)) circles.push(group.sort());
    }
  }
  return circles;
}

/**
 * The plug-in files the workflow loads (reachable from workflows/ through value imports) run in its
 * sandbox as part of it: they may import values from contract/ and their own folder only, never
 * from workflows/ (that would make the two folders import each other) or from Node-side layers.
 */
export function workflowSideImports(edges: readonly Edge[]): string[] {
  const next = new Map<string, string[]>();
  for (const { from, to, bundled } of edges) if (bundled) next.set(from, [...(next.get(from) ?? []), to]);
  const plugIn = (path: string) => (PLUG_INS as readonly string[]).includes(folderOf(path));
  const pending = edges.filter((e) => e.bundled && folderOf(e.from) === 'workflows' && plugIn(e.to)).map((e) => e.to);
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const to of next.get(file) ?? []) if (folderOf(to) === folderOf(file)) pending.push(to);
  }
  return edges
    .filter((e) => e.bundled && seen.has(e.from) && folderOf(e.to) !== folderOf(e.from) && folderOf(e.to) !== 'contract')
    .map((e) => `${e.from} -> ${e.to}`)
    .sort();
}
