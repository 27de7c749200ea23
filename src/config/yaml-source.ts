/**
 * The YAML side of a config file: parsed to a Document (not straight to JS) so that every value keeps
 * its position, and a problem found later — by interpolation or by zod — can say `line 12`.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Scalar } from 'yaml';

export type KeyPath = ReadonlyArray<string | number>;

export interface YamlSource {
  doc: Document;
  /** 1-based line of a node's first character. */
  lineAt(offset: number): number;
}

export interface YamlSyntaxProblem {
  line: number;
  column: number;
  message: string;
}

export function parseYaml(text: string): { source: YamlSource; errors: YamlSyntaxProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors = doc.errors.map((err) => {
    const pos = lineCounter.linePos(err.pos[0]);
    return { line: pos.line, column: pos.col, message: firstLine(err.message) };
  });
  return { source: { doc, lineAt: (offset) => lineCounter.linePos(offset).line }, errors };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** `ap.clientSecret`, `flows[2]`. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

function resolved(source: YamlSource, node: unknown): unknown {
  return isAlias(node) ? node.resolve(source.doc) : node;
}

function keyName(key: unknown): string | undefined {
  return isScalar(key) && key.value !== null && key.value !== undefined ? String(key.value) : undefined;
}

function startLine(source: YamlSource, node: unknown): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? source.lineAt(range[0]) : undefined;
}

/**
 * The line of the key at `path`, or of the deepest part of it that exists (a missing key is reported
 * at its parent section). Undefined for the document root.
 */
export function lineOf(source: YamlSource, path: KeyPath): number | undefined {
  let node: unknown = source.doc.contents;
  let line: number | undefined;
  for (const seg of path) {
    node = resolved(source, node);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyName(p.key) === String(seg));
      if (!pair) break;
      line = startLine(source, pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      line = startLine(source, item) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

/** Calls `visit` for every string scalar value (not keys), with its key path. Aliases are visited once, at their anchor. */
export function forEachStringValue(source: YamlSource, visit: (node: Scalar<string>, path: KeyPath) => void): void {
  const walk = (node: unknown, path: KeyPath): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const name = keyName(pair.key);
        if (name !== undefined) walk(pair.value, [...path, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      visit(node as Scalar<string>, path);
    }
  };
  walk(source.doc.contents, []);
}
