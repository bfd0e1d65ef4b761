/**
 * Names in lsst.verify: `package.metric.spec`. A metric name may be relative (`PA1`), a spec
 * name bare (`design`) or metric-relative (`PA1.design`); parts given separately must agree.
 * Mirrors `lsst.verify.Name`, whose rules decide which YAML specifications resolve.
 */
export interface NameParts {
  package?: string;
  metric?: string;
  spec?: string;
}

export type NameResult = { ok: true; name: NameParts } | { ok: false; problem: string };

function splitName(text: string, kind: 'package' | 'metric' | 'spec'): NameParts | string {
  const parts = text.split('.');
  const [a, b, c] = parts;
  if (kind === 'package') {
    if (parts.length === 1) return { package: a };
    if (parts.length === 2) return { package: a, metric: b };
    if (parts.length === 3) return { package: a, metric: b, spec: c };
    return `cannot parse fully qualified name '${text}'`;
  }
  if (kind === 'metric') {
    if (parts.length === 1) return { metric: a };
    if (parts.length === 2) return { package: a, metric: b };
    return `cannot parse metric name '${text}'`;
  }
  if (parts.length === 1) return { spec: a };
  if (parts.length === 2) return { metric: a, spec: b };
  if (parts.length === 3) return { package: a, metric: b, spec: c };
  return `cannot parse specification name '${text}'`;
}

/** Combines name parts as `Name(package=..., metric=..., spec=...)` does, refusing conflicts. */
export function buildName(given: NameParts): NameResult {
  const out: NameParts = {};
  for (const kind of ['package', 'metric', 'spec'] as const) {
    const text = given[kind];
    if (text === undefined) continue;
    const parts = splitName(text, kind);
    if (typeof parts === 'string') return { ok: false, problem: parts };
    for (const key of ['package', 'metric', 'spec'] as const) {
      const v = parts[key];
      if (v === undefined) continue;
      if (out[key] !== undefined && out[key] !== v) {
        return { ok: false, problem: `conflicting ${key} '${v}' (already '${out[key]}')` };
      }
      out[key] = v;
    }
  }
  if (out.package !== undefined && out.spec !== undefined && out.metric === undefined) {
    return { ok: false, problem: `no metric for specification '${out.spec}' in package '${out.package}'` };
  }
  return { ok: true, name: out };
}

/** `package.metric.spec` when all three parts are known. */
export function fullSpecName(n: NameParts): string | undefined {
  return n.package && n.metric && n.spec ? `${n.package}.${n.metric}.${n.spec}` : undefined;
}

// A partial's id, fully qualified: `package:path/in/package#id` (lsst.verify's PARTIAL_PATTERN).
const PARTIAL_PATTERN = /^(?:(\S+):)?(\S+)?#(\S+)$/;

/**
 * Qualifies a partial reference: `#base` → `validate_drp:cfht_gri/base#base` (same file),
 * `cfht_gri/base#cfht-g` → `validate_drp:cfht_gri/base#cfht-g`; a bare id gets a `#`.
 */
export function qualifyPartialName(ref: string, currentYamlId: string, pkg: string): string | undefined {
  const m = PARTIAL_PATTERN.exec(ref.includes('#') ? ref : `#${ref}`);
  if (!m) return undefined;
  return `${m[1] ?? pkg}:${m[2] ?? currentYamlId}#${m[3]}`;
}
