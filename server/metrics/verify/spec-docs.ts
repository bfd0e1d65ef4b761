import { buildName, fullSpecName, qualifyPartialName } from './names.ts';
import type { SourceRef } from './types.ts';
import { isMapping, parseYamlDocuments, yamlError } from './yaml.ts';

/** A specification YAML file of one package, e.g. `specs/validate_drp/cfht_gri/PA1.yaml`. */
export interface SpecFile {
  /** Package the specifications belong to: the directory under `specs/`. */
  package: string;
  /** Path inside the package directory, without extension, `/`-separated: `cfht_gri/PA1`. */
  yamlId: string;
  /** File name for messages. */
  file: string;
  text: string;
}

/**
 * One YAML document of a specification file, normalized as lsst.verify's
 * `SpecificationSet._load_yaml_file` does: `package` set, a partial's `id` and every `base`
 * reference fully qualified, a specification's `name` (and `metric`) qualified when possible.
 */
export interface SpecDoc {
  kind: 'spec' | 'partial';
  /** Partial: `package:path#id`. Specification: `package.metric.spec` when known, else as written. */
  key: string;
  /** Qualified references to partials (`pkg:path#id`) and specifications (`pkg.metric.spec`). */
  bases: string[];
  /** The document, with `base` removed and `package`/`name`/`metric` normalized. */
  doc: Record<string, unknown>;
  source: SourceRef;
  /** Line of a key within this document, for messages (`['threshold', 'operator']`). */
  lineOf: (path: ReadonlyArray<string | number>) => number | undefined;
}

const ERR = 'SPEC_YAML' as const;

/** Documents of each file in order, a file's partials before its specifications (as lsst.verify). */
export function readSpecDocuments(files: readonly SpecFile[]): SpecDoc[] {
  const out: SpecDoc[] = [];
  for (const file of files) {
    const partials: SpecDoc[] = [];
    const specs: SpecDoc[] = [];
    for (const yamlDoc of parseYamlDocuments(file.text, { file: file.file, code: ERR })) {
      const source: SourceRef = { file: file.file, document: yamlDoc.index, line: yamlDoc.line };
      if (!isMapping(yamlDoc.value)) throw docError(source, 'expected a mapping');
      const doc: Record<string, unknown> = { ...yamlDoc.value, package: file.package };
      const bases = qualifyBases(doc.base, file, source);
      delete doc.base;
      if (doc.metric !== undefined && typeof doc.metric !== 'string') throw docError(source, "field 'metric': expected a string", 'metric');
      const lineOf = yamlDoc.lineOf;
      if ('id' in doc) {
        partials.push({ kind: 'partial', key: qualifyPartialId(doc.id, file, source), bases, doc, source, lineOf });
      } else {
        specs.push({ kind: 'spec', key: normalizeSpecName(doc, source), bases, doc, source, lineOf });
      }
    }
    out.push(...partials, ...specs);
  }
  return out;
}

type SpecErrorCode = 'SPEC_YAML' | 'SPEC_UNRESOLVED' | 'SPEC_CYCLE' | 'UNIT_UNKNOWN';

/** An error in one document of a specification file: `file (document n):line: problem`. */
export function docError(source: SourceRef, problem: string, key?: string, code: SpecErrorCode = ERR, line = source.line) {
  const where = source.document === undefined ? '' : ` (document ${source.document})`;
  return yamlError({ file: `${source.file}${where}`, code }, problem, line, { ...(key ? { key } : {}), document: source.document });
}

function qualifyPartialId(id: unknown, file: SpecFile, source: SourceRef): string {
  if (typeof id !== 'string' || id === '') throw docError(source, "field 'id': expected a non-empty string", 'id');
  const qualified = qualifyPartialName(id, file.yamlId, file.package);
  if (qualified === undefined) throw docError(source, `field 'id': cannot parse partial id '${id}'`, 'id');
  return qualified;
}

/** Qualifies `name` with the package and the metric if the document gives one; else leaves it. */
function normalizeSpecName(doc: Record<string, unknown>, source: SourceRef): string {
  if (typeof doc.name !== 'string' || doc.name === '') {
    throw docError(source, "field 'name': a specification needs a name (a partial needs an 'id')", 'name');
  }
  const metric = typeof doc.metric === 'string' ? doc.metric : undefined;
  const name = buildName({ package: doc.package as string, metric, spec: doc.name });
  const full = name.ok ? fullSpecName(name.name) : undefined;
  if (name.ok && full !== undefined) {
    doc.name = full;
    doc.metric = name.name.metric;
    return full;
  }
  // Like lsst.verify, an unresolved name waits for inheritance to supply the metric.
  return doc.name;
}

function qualifyBases(base: unknown, file: SpecFile, source: SourceRef): string[] {
  if (base === undefined || base === null) return [];
  const list = Array.isArray(base) ? base : [base];
  return list.map((ref, i) => {
    const key = Array.isArray(base) ? `base[${i}]` : 'base';
    if (typeof ref !== 'string' || ref === '') throw docError(source, `field '${key}': expected a specification name or '#partial' reference`, key);
    if (ref.includes('#')) {
      const q = qualifyPartialName(ref, file.yamlId, file.package);
      if (q === undefined) throw docError(source, `field '${key}': cannot parse partial reference '${ref}'`, key);
      return q;
    }
    const name = buildName({ package: file.package, spec: ref });
    const full = name.ok ? fullSpecName(name.name) : undefined;
    if (full === undefined) {
      const why = name.ok ? 'it has no metric part' : name.problem;
      throw docError(source, `field '${key}': base specification '${ref}' must be 'metric.spec' or 'package.metric.spec' (${why})`, key);
    }
    return full;
  });
}
