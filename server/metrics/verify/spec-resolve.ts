import { docError, type SpecDoc } from './spec-docs.ts';
import type { ThresholdSpecification } from './threshold.ts';
import type { SourceRef } from './types.ts';

type Doc = Record<string, unknown>;

/**
 * lsst.verify's `merge_documents`: keys of `next` override `base`, except that two mappings
 * merge recursively and two lists concatenate (base items first). So a child's `tags` add to
 * its base's, and `metadata_query` terms accumulate down the inheritance chain.
 */
export function mergeDocuments(base: Doc, next: Doc): Doc {
  const out = clone(base) as Doc;
  for (const [key, value] of Object.entries(next)) {
    const prev = out[key];
    if (isPlainMapping(prev) && isPlainMapping(value)) out[key] = mergeDocuments(prev, value);
    else if (Array.isArray(prev) && Array.isArray(value)) out[key] = [...prev, ...(clone(value) as unknown[])];
    else out[key] = clone(value);
  }
  return out;
}

/** Deep copy of YAML/JSON data (plain objects, arrays, scalars); cheaper than structuredClone. */
function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (isPlainMapping(v)) {
    const out: Doc = {};
    for (const [k, x] of Object.entries(v)) out[k] = clone(x);
    return out;
  }
  return v;
}

function isPlainMapping(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ResolvedSpecs {
  specs: Map<string, ThresholdSpecification>;
  /** Fully qualified partial id → the partial with its own bases merged in. */
  partials: Map<string, Doc>;
  /**
   * Specifications defined more than once; the later one is kept. lsst.verify keeps whichever
   * its directory walk meets last, which depends on the file system's listing order (real
   * verify_metrics history has such duplicates), so importers should warn about these.
   */
  duplicates: Array<{ name: string; kept: SourceRef; replaced: SourceRef }>;
}

/** Builds a specification from its fully merged document (validation lives there). */
export type SpecBuilder = (merged: Doc, from: SpecDoc) => ThresholdSpecification;

/**
 * Resolves `base` inheritance the way `SpecificationSet._load_package_dir` does: repeated
 * passes, each resolving every document whose bases are all available, bases merged first to
 * last, then the document itself on top. A base specification contributes its serialized form
 * (`Specification.json`) and its metric; a base partial contributes its whole document.
 * When a pass makes no progress the leftovers are explained: a missing base (`SPEC_UNRESOLVED`)
 * or an inheritance cycle (`SPEC_CYCLE`), naming file, document and chain.
 */
export function resolveSpecDocuments(docs: readonly SpecDoc[], build: SpecBuilder): ResolvedSpecs {
  const out: ResolvedSpecs = { specs: new Map(), partials: new Map(), duplicates: [] };
  let queue = [...docs];
  while (queue.length > 0) {
    const redo: SpecDoc[] = [];
    for (const d of queue) {
      const merged = tryMerge(d, out);
      if (merged === undefined) {
        redo.push(d);
      } else if (d.kind === 'partial') {
        delete merged.id;
        out.partials.set(d.key, merged);
      } else {
        const spec = build(merged, d);
        const previous = out.specs.get(spec.name);
        if (previous?.source && spec.source) out.duplicates.push({ name: spec.name, kept: spec.source, replaced: previous.source });
        out.specs.set(spec.name, spec);
      }
    }
    if (redo.length === queue.length) throw explainUnresolved(redo, docs, out);
    queue = redo;
  }
  return out;
}

function tryMerge(d: SpecDoc, done: ResolvedSpecs): Doc | undefined {
  let built: Doc = {};
  for (const ref of d.bases) {
    if (ref.includes('#')) {
      const partial = done.partials.get(ref);
      if (partial === undefined) return undefined;
      built = mergeDocuments(built, partial);
    } else {
      const spec = done.specs.get(ref);
      if (spec === undefined) return undefined;
      built = mergeDocuments(built, spec.toJson() as unknown as Doc);
      // A specification may take its metric only from what it inherits.
      built.metric = spec.metric;
    }
  }
  return mergeDocuments(built, d.doc);
}

function missingBase(d: SpecDoc, done: ResolvedSpecs): string | undefined {
  return d.bases.find((ref) => (ref.includes('#') ? !done.partials.has(ref) : !done.specs.has(ref)));
}

/** Stuck documents that could still produce `ref` once resolved. */
function producers(ref: string, stuck: readonly SpecDoc[]): SpecDoc[] {
  if (ref.includes('#')) return stuck.filter((s) => s.kind === 'partial' && s.key === ref);
  const [pkg, , specPart] = ref.split('.');
  return stuck.filter((s) => {
    if (s.kind !== 'spec') return false;
    if (s.key === ref) return true;
    // A name still waiting for its metric: it matches on package and last part.
    return !s.key.includes('.') && s.doc.package === pkg && s.key === specPart;
  });
}

function label(d: SpecDoc): string {
  return `${d.key} (${d.source.file}, document ${d.source.document ?? 1})`;
}

function explainUnresolved(stuck: readonly SpecDoc[], all: readonly SpecDoc[], done: ResolvedSpecs): Error {
  // A base nothing can ever provide is the root cause; report it before any cycle.
  for (const d of stuck) {
    for (const ref of d.bases) {
      const available = ref.includes('#') ? done.partials.has(ref) : done.specs.has(ref);
      if (available || producers(ref, stuck).length > 0) continue;
      const what = ref.includes('#') ? `no partial with id '${ref}'` : `no specification named '${ref}'`;
      const known = ref.includes('#') ? all.some((x) => x.kind === 'partial' && x.key === ref) : false;
      return docError(d.source, `base '${ref}' cannot be resolved: ${known ? 'it failed to resolve' : what}`, 'base', 'SPEC_UNRESOLVED');
    }
  }
  const cycle = findCycle(stuck, done);
  const first = cycle[0] ?? stuck[0];
  if (first === undefined) return new Error('no unresolved specification documents');
  const chain = [...cycle, first].map(label).join(' -> ');
  return docError(first.source, `inheritance cycle: ${chain}`, 'base', 'SPEC_CYCLE');
}

/** Follows unavailable bases among stuck documents until one repeats. */
function findCycle(stuck: readonly SpecDoc[], done: ResolvedSpecs): SpecDoc[] {
  const start = stuck[0];
  if (start === undefined) return [];
  const path: SpecDoc[] = [];
  let current: SpecDoc | undefined = start;
  while (current !== undefined && !path.includes(current)) {
    path.push(current);
    const ref = missingBase(current, done);
    current = ref === undefined ? undefined : producers(ref, stuck)[0];
  }
  return current === undefined ? path : path.slice(path.indexOf(current));
}
