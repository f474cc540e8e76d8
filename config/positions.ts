// Where in the YAML file a problem's field is: the line and column of its value, of the key
// itself for an unknown key, or of the nearest enclosing key for a missing field. Problems are
// then told in file order, as a person reads the file top to bottom.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { ConfigProblem } from './yaml.js';

export interface Position {
  line: number;
  column: number;
}

interface Found {
  /** The key of the last step, when it was a mapping's key. */
  keyNode?: Node;
  /** The value at the end of the path, when the whole path is there. */
  valueNode?: Node;
  /** Where the deepest step found begins: a key, or an item of a list. */
  anchor?: Node;
  complete: boolean;
}

/** Follows the path through the document as far as it goes. */
function walk(doc: Document, path: readonly string[]): Found {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  let anchor: Node | undefined;
  const partial = (): Found => ({ ...(anchor ? { anchor } : {}), complete: false });
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === segment) as
        Pair<Node, Node> | undefined;
      if (!pair) return partial();
      keyNode = pair.key ?? undefined;
      anchor = keyNode;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item: unknown = node.items[Number(segment)];
      if (item === undefined) return partial();
      node = isPair(item) ? item.value : item;
      keyNode = undefined;
      anchor = (node as Node | null) ?? anchor;
    } else return partial();
  }
  return {
    ...(keyNode ? { keyNode } : {}),
    ...(node ? { valueNode: node as Node } : {}),
    ...(anchor ? { anchor } : {}),
    complete: true,
  };
}

/**
 * The position a problem points at. `key: true` points at the key (an unknown key), otherwise at
 * the value; a field that is not in the file points at the key of the mapping it is missing from.
 */
export function positionOf(
  doc: Document,
  counter: LineCounter,
  path: readonly string[],
  options: { key?: boolean } = {},
): Position | undefined {
  if (path.length === 0) return undefined;
  const found = walk(doc, path);
  const node = found.complete ? (options.key ? found.keyNode : (found.valueNode ?? found.keyNode)) : found.anchor;
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = counter.linePos(offset);
  return { line, column: col };
}

/** Problems with their positions, in file order; those about the whole file first. */
export function locateProblems(problems: ConfigProblem[], doc: Document, counter: LineCounter): ConfigProblem[] {
  const located = problems.map((p, index) => {
    if (p.line !== undefined) return { p, index };
    const at = p.path === '' ? undefined : positionOf(doc, counter, p.path.split('.'), { key: p.unknownKey === true });
    return { p: at ? { ...p, line: at.line, column: at.column } : p, index };
  });
  const rank = (p: ConfigProblem) => (p.line ?? 0) * 10_000 + (p.column ?? 0);
  return located.sort((a, b) => rank(a.p) - rank(b.p) || a.index - b.index).map(({ p }) => p);
}
