import { parse as parseYaml } from 'yaml';
import { VeraError } from '../../server/errors.ts';

/** Per-task config overrides, by task label: nested plain objects. */
export type ConfigOverrides = Record<string, Record<string, unknown>>;

/**
 * Parses `-c label:field.sub=value` options. Values are YAML scalars or flow collections, so
 * `5` is a number, `false` a boolean and `[1, 2]` a list; anything else stays a string.
 */
export function parseOverrideOptions(options: readonly string[]): ConfigOverrides {
  const out: ConfigOverrides = {};
  for (const opt of options) {
    const m = /^([A-Za-z_]\w*):([A-Za-z_][\w.]*)=(.*)$/s.exec(opt);
    if (!m) {
      throw new VeraError('CONFIG_INVALID', `config override '${opt}' is not of the form task:field=value (e.g. isr:doFlat=false)`, { override: opt });
    }
    const [, label, field, raw] = m as unknown as [string, string, string, string];
    let value: unknown;
    try {
      value = raw === '' ? '' : parseYaml(raw);
    } catch {
      value = raw;
    }
    setPath((out[label] ??= {}), field.split('.'), value);
  }
  return out;
}

/** Parses a config override file: a YAML mapping of task label to (nested) config fields. */
export function parseOverrideFile(text: string, file: string): ConfigOverrides {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new VeraError('CONFIG_INVALID', `${file}: not valid YAML: ${(e as Error).message}`, { file });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new VeraError('CONFIG_INVALID', `${file}: expected a mapping of task label to config fields`, { file });
  for (const [label, fields] of Object.entries(doc)) {
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
      throw new VeraError('CONFIG_INVALID', `${file}: '${label}' must map config field names to values`, { file, task: label });
    }
  }
  return doc as ConfigOverrides;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown) {
  let cur = target;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    cur = cur[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
  }
  cur[path[path.length - 1]!] = value;
}

/** Deep merge: later objects win; nested objects merge; arrays and scalars replace. */
export function mergeConfig(...layers: readonly Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      const prev = out[k];
      out[k] =
        isPlainObject(prev) && isPlainObject(v) ? mergeConfig(prev, v) : isPlainObject(v) ? mergeConfig(v) : v;
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with object keys sorted at every depth: equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
