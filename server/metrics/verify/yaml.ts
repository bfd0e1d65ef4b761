import { LineCounter, YAMLMap, isMap, parseAllDocuments, type CollectionTag, type Document, type Tags } from 'yaml';
import { VeraError, type ErrorCode } from '../../errors.ts';

/**
 * YAML as lsst.verify reads it: PyYAML's SafeLoader, i.e. YAML 1.1 with `<<` merge keys, where
 * a repeated key silently keeps its last value (verify_metrics' jointcal specs repeat `config:`).
 * Two departures from the `yaml` package's 1.1 schema, to match PyYAML: `y`/`n` stay strings
 * (a `y` filter name is not `true`), and dates stay strings (job metadata compares them as text).
 */
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

function pyYamlTags(tags: Tags): Tags {
  const dropped = new Set(['bool', 'timestamp', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:timestamp']);
  const kept = tags.filter((t) => !dropped.has(typeof t === 'string' ? t : t.tag));
  const bool = (value: boolean, test: RegExp) => ({
    identify: (v: unknown) => v === value,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test,
    resolve: () => value,
  });
  return [...kept.map(mergeableSet), bool(true, PY_TRUE), bool(false, PY_FALSE)];
}

/**
 * PyYAML builds `!!set` like a mapping, so `<<: *other_set` inside a set merges its members
 * (verify_metrics' ip_diffim.yaml does this). The `yaml` package refuses the merge's non-null
 * value, and its set node answers a merge's request for a Map with a Set; this one does both.
 */
function mergeableSet(t: Tags[number]): Tags[number] {
  if (typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:set' || !('nodeClass' in t) || !t.nodeClass) return t;
  const SetBase = t.nodeClass as unknown as typeof YAMLMap;
  const asMap = YAMLMap.prototype.toJSON as (this: YAMLMap, key: unknown, ctx: unknown, Type?: unknown) => unknown;
  class PySet extends SetBase {
    override toJSON(key?: unknown, ctx?: unknown, Type?: unknown): never {
      return (Type ? asMap.call(this, key, ctx, Type) : super.toJSON(key, ctx as never)) as never;
    }
  }
  const tag: CollectionTag = {
    ...(t as CollectionTag),
    nodeClass: PySet as unknown as CollectionTag['nodeClass'],
    resolve: (map, onError) => {
      if (isMap(map)) return Object.assign(new PySet(), map) as typeof map;
      onError('expected a mapping for !!set');
      return map;
    },
  };
  return tag;
}

export interface YamlDoc {
  /** The document as plain JS (maps are plain objects, in file order). */
  value: unknown;
  /** 1-based position of the document in its file. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  /** 1-based line of the node at `path` (e.g. `['PA1', 'unit']`), if it exists. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

export interface YamlOptions {
  /** File name used in messages. */
  file: string;
  /** Error code for problems in this kind of file. */
  code: ErrorCode;
  /** Extra tags (e.g. `!<lsst.verify.Measurement>`), with the PyYAML-compatible schema. */
  customTags?: Tags;
}

/** All documents of a (possibly multi-document) YAML text; empty documents are skipped. */
export function parseYamlDocuments(text: string, opts: YamlOptions): YamlDoc[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    version: '1.1',
    merge: true,
    uniqueKeys: false,
    lineCounter,
    customTags: (tags) => [...pyYamlTags(tags), ...(opts.customTags ?? [])],
  });
  const list: Document[] = Array.from(docs);
  const out: YamlDoc[] = [];
  list.forEach((doc, i) => {
    const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
    if (problem) {
      const line = problem.linePos?.[0].line ?? lineCounter.linePos(problem.pos[0]).line;
      throw yamlError(opts, problem.message.split('\n')[0] ?? problem.message, line);
    }
    const start = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
    let value: unknown;
    try {
      // Anchors and merge keys are used heavily (metric files alias one reference per package).
      value = plain(doc.toJS({ maxAliasCount: 10_000 }));
    } catch (e) {
      throw yamlError(opts, e instanceof Error ? e.message : String(e), lineCounter.linePos(start).line);
    }
    if (value === null || value === undefined) return;
    out.push({
      value,
      index: i + 1,
      line: lineCounter.linePos(start).line,
      lineOf: (path) => {
        const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
        return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
      },
    });
  });
  return out;
}

/**
 * `!!set` (verify_metrics writes metric tags as sets) becomes a list in file order, and
 * `!!omap`/`!!pairs` maps become plain objects, so the rest of the code sees JSON-like values.
 */
function plain(v: unknown): unknown {
  if (v instanceof Set) return [...v].map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    for (const [k, x] of Object.entries(v)) (v as Record<string, unknown>)[k] = plain(x);
  }
  return v;
}

/** A single-document YAML file, as `yaml.load` reads it: a second document is an error. */
export function parseYamlDocument(text: string, opts: YamlOptions): YamlDoc | undefined {
  const docs = parseYamlDocuments(text, opts);
  const second = docs[1];
  if (second) throw yamlError(opts, 'expected a single YAML document, found another', second.line);
  return docs[0];
}

export function yamlError(opts: Pick<YamlOptions, 'file' | 'code'>, problem: string, line?: number, details: Record<string, unknown> = {}): VeraError {
  const where = line === undefined ? opts.file : `${opts.file}:${line}`;
  return new VeraError(opts.code, `${where}: ${problem}`, { file: opts.file, line, ...details });
}

/** True for a YAML mapping turned into JS (not a list, not a scalar). */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
