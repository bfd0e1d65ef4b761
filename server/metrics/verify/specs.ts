import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative, sep } from 'node:path';
import { VeraError } from '../../errors.ts';
import { buildName, fullSpecName } from './names.ts';
import { docError, readSpecDocuments, type SpecDoc, type SpecFile } from './spec-docs.ts';
import { resolveSpecDocuments } from './spec-resolve.ts';
import { ThresholdSpecification } from './threshold.ts';
import { resolvedSpecDocSchema, type SourceRef } from './types.ts';
import { parseUnit } from './units.ts';
import { describeIssue } from './zod-messages.ts';

/** Specifications by fully qualified name, plus the partials they were built from. */
export interface SpecificationSet {
  specs: ReadonlyMap<string, ThresholdSpecification>;
  partials: ReadonlyMap<string, Record<string, unknown>>;
  /** Names defined more than once (the later definition is kept); worth a warning on import. */
  duplicates: ReadonlyArray<{ name: string; kept: SourceRef; replaced: SourceRef }>;
}

// Keys lsst.verify's ThresholdSpecification interprets, or that only steer loading.
const KNOWN_KEYS = new Set(['name', 'package', 'metric', 'type', 'threshold', 'metadata_query', 'tags', 'id', 'base']);

/**
 * Turns a fully merged specification document into a `ThresholdSpecification`, checking what
 * `ThresholdSpecification.deserialize` needs: a name that resolves to `package.metric.spec`
 * and a threshold with `operator`, `value` and a known `unit`.
 */
export function buildSpecification(merged: Record<string, unknown>, from: SpecDoc): ThresholdSpecification {
  const src = from.source;
  const metric = typeof merged.metric === 'string' ? merged.metric : undefined;
  const name = buildName({ package: merged.package as string, metric, spec: String(merged.name) });
  const full = name.ok ? fullSpecName(name.name) : undefined;
  if (metric === undefined && !String(merged.name).includes('.')) {
    throw docError(src, `specification '${String(merged.name)}' has no metric: give 'metric', a 'metric.spec' name, or a base that has one`, 'metric');
  }
  if (!name.ok) throw docError(src, `field 'name': ${name.problem}`, 'name');
  if (full === undefined || name.name.metric === undefined || name.name.spec === undefined) {
    throw docError(src, `specification '${String(merged.name)}' has no metric`, 'metric');
  }
  if (merged.type !== undefined && merged.type !== 'threshold') {
    throw docError(src, `field 'type': only threshold specifications exist in lsst.verify, not '${String(merged.type)}'`, 'type');
  }
  if (merged.threshold === undefined) throw docError(src, `specification ${full} has no 'threshold' (neither its own nor inherited)`, 'threshold');
  for (const key of ['operator', 'value', 'unit']) {
    if (typeof merged.threshold === 'object' && merged.threshold !== null && !(key in merged.threshold)) {
      throw docError(src, `specification ${full}: its threshold has no '${key}' (neither its own nor inherited)`, `threshold.${key}`);
    }
  }
  const parsed = resolvedSpecDocSchema.safeParse({ ...merged, metric: name.name.metric, name: full });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const d = issue ? describeIssue(issue) : { path: '', segments: [], message: 'invalid' };
    const inherited = from.bases.length > 0 ? ' (after inheritance)' : '';
    const line = from.lineOf(d.segments.map((p) => (typeof p === 'symbol' ? String(p) : p)));
    throw docError(src, `specification ${full}: field '${d.path}'${inherited}: ${d.message}`, d.path, 'SPEC_YAML', line);
  }
  const doc = parsed.data;
  let unit;
  try {
    unit = parseUnit(doc.threshold.unit);
  } catch (e) {
    if (!(e instanceof VeraError)) throw e;
    throw docError(src, `specification ${full}: field 'threshold.unit': ${e.message}`, 'threshold.unit', 'UNIT_UNKNOWN', from.lineOf(['threshold', 'unit']));
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(merged)) if (!KNOWN_KEYS.has(k)) extra[k] = v;
  return new ThresholdSpecification({
    name: full,
    package: name.name.package ?? doc.package,
    metric: name.name.metric,
    spec: name.name.spec,
    threshold: { value: doc.threshold.value, unit, operator: doc.threshold.operator },
    metadataQuery: doc.metadata_query,
    tags: doc.tags,
    extra,
    source: src,
  });
}

/**
 * Loads specification files held in memory (no file system): reads every document, resolves
 * inheritance across all the files given (so cross-file and cross-package bases work), and
 * builds the specifications. A name defined twice keeps the later definition, as lsst.verify.
 */
export function resolveSpecFiles(files: readonly SpecFile[]): SpecificationSet {
  return resolveSpecDocuments(readSpecDocuments(files), buildSpecification);
}

function walkYaml(dir: string): string[] {
  // Files of a directory before its subdirectories, each sorted: os.walk's top-down order, made stable.
  const entries = readdirSync(dir).sort();
  const files = entries.filter((e) => /\.ya?ml$/.test(e) && statSync(join(dir, e)).isFile()).map((e) => join(dir, e));
  const dirs = entries.filter((e) => statSync(join(dir, e)).isDirectory());
  return [...files, ...dirs.flatMap((d) => walkYaml(join(dir, d)))];
}

/** Reads one package's specification directory (`specs/validate_drp/`) into `SpecFile`s. */
export function readSpecPackageDir(packageDir: string, displayRoot = packageDir): SpecFile[] {
  const pkg = basename(packageDir);
  return walkYaml(packageDir).map((path) => {
    const rel = relative(packageDir, path);
    return {
      package: pkg,
      yamlId: rel.slice(0, rel.length - extname(rel).length).split(sep).join('/'),
      file: relative(displayRoot, path) || path,
      text: readFileSync(path, 'utf8'),
    };
  });
}

/**
 * Loads a `specs/` directory: one subdirectory per package, YAML files at any depth within.
 * `displayRoot` is what file names in messages are relative to (default: the parent of `specs/`).
 */
export function loadSpecsDir(specsDir: string, displayRoot = join(specsDir, '..')): SpecificationSet {
  const packages = readdirSync(specsDir)
    .sort()
    .filter((e) => statSync(join(specsDir, e)).isDirectory());
  return resolveSpecFiles(packages.flatMap((p) => readSpecPackageDir(join(specsDir, p), displayRoot)));
}
