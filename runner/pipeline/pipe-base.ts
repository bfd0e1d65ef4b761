import path from 'node:path';
import { parseDocument } from 'yaml';
import { stringify } from 'yaml';
import { loadPipelineText } from './load.ts';
import { readPipelineFile } from './roots.ts';
import { contractLabels, ContractSyntaxError, evaluateContract, NotEvaluable, parseContract, type KnownConfig } from './contract-expr.ts';

/**
 * Pipelines in the shape of LSST pipe_base's YAML: `imports` (a location, a list of them, or
 * `{location, include, exclude, importContracts}`), `parameters`, `tasks` (a class name, or
 * `{class, config}`), `subsets`, `contracts` (`expr` or `{contract, msg}`) and `instrument`.
 * A file and everything it imports is expanded as pipe_base does, every problem is collected
 * (not just the first), Python task classes are listed as not runnable here, and contracts are
 * evaluated where the YAML alone decides them.
 *
 * `$NAME_DIR/...` import locations resolve in `envDirs`, else in a pipeline root whose directory
 * name gives NAME (root `.../drp_pipe` is `$DRP_PIPE_DIR`): never from the environment.
 */
export interface PipeBaseTask {
  label: string;
  class: string;
  /** Config fields set by the pipeline, flattened to dotted paths (`connections.coaddName`). */
  config: Map<string, unknown>;
  /** Config the YAML gives as Python (`python:` blocks, `file:` overrides): recorded, not applied. */
  pythonConfig: string[];
  /** The file that defined the task last. */
  file: string;
  /** A Vera task's definition as written (class, dimensions, connections, config). */
  veraSpec?: Record<string, unknown>;
}

export interface PipeBaseContract {
  contract: string;
  msg: string | null;
  file: string;
}

export interface ExpandedPipeline {
  file: string;
  description: string;
  instrument: string | null;
  parameters: Record<string, unknown>;
  tasks: Map<string, PipeBaseTask>;
  subsets: Map<string, { tasks: string[]; description: string }>;
  contracts: PipeBaseContract[];
}

export interface ContractResult extends PipeBaseContract {
  result: 'passed' | 'failed' | 'not evaluated';
  reason?: string;
}

export interface PipelineReport {
  pipeline: ExpandedPipeline;
  /** Labels chosen by `file#subset` or `file#a,b`; all tasks without a fragment. */
  selected: string[];
  problems: string[];
  /** Tasks whose classes are Python (`lsst.pipe.tasks...`): validated, but Vera cannot run them. */
  notRunnable: { label: string; class: string }[];
  contracts: ContractResult[];
}

export interface PipeBaseOptions {
  roots: readonly string[];
  envDirs?: Readonly<Record<string, string>>;
}

const TOP_KEYS = new Set(['description', 'instrument', 'imports', 'inherits', 'parameters', 'tasks', 'subsets', 'contracts', 'steps']);
const IMPORT_KEYS = new Set(['location', 'include', 'exclude', 'importContracts', 'importSteps', 'labeledSubsetModifyMode', 'instrument']);
const VERA_CLASS = /^\.{1,2}\/[^#]+#[A-Za-z_$][\w$]*$/;
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `pipe.yaml#subset` or `pipe.yaml#a,b` into the file and the chosen labels or subsets. */
export function splitPipelineRef(ref: string): { file: string; selection: string[] | null } {
  const hash = ref.lastIndexOf('#');
  if (hash < 0 || ref.slice(hash + 1).includes('/')) return { file: ref, selection: null };
  return { file: ref.slice(0, hash), selection: ref.slice(hash + 1).split(',').map((s) => s.trim()).filter(Boolean) };
}

function envDirOf(name: string, opts: PipeBaseOptions): string | undefined {
  if (opts.envDirs?.[name]) return opts.envDirs[name];
  return opts.roots.find((r) => `${path.basename(path.resolve(r)).toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DIR` === name);
}

function emptyPipeline(file: string): ExpandedPipeline {
  return { file, description: '', instrument: null, parameters: {}, tasks: new Map(), subsets: new Map(), contracts: [] };
}

class Expander {
  readonly problems: string[] = [];
  constructor(readonly opts: PipeBaseOptions) {}

  locate(location: string, from: string, where: string): string | null {
    const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?(\/.*)?$/.exec(location);
    if (m) {
      const dir = envDirOf(m[1]!, this.opts);
      if (!dir) {
        this.problems.push(`${where}: import ${location}: no pipeline root provides $${m[1]} (give a root named ${m[1]!.replace(/_DIR$/, '').toLowerCase()}, or map it)`);
        return null;
      }
      return path.join(dir, m[2] ?? '');
    }
    if (location.includes('$')) return (this.problems.push(`${where}: import ${location}: only a leading $NAME_DIR is expanded`), null);
    return path.resolve(path.dirname(from), location);
  }

  async expand(file: string, stack: readonly string[]): Promise<ExpandedPipeline> {
    const out = emptyPipeline(file);
    if (stack.includes(file)) return (this.problems.push(`import cycle: ${[...stack, file].join(' -> ')}`), out);
    let text: string;
    try {
      text = (await readPipelineFile(file, this.opts.roots)).text;
    } catch (e) {
      return (this.problems.push(`${stack.length ? `${stack[stack.length - 1]}: import ` : ''}${(e as Error).message}`), out);
    }
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    for (const e of doc.errors) this.problems.push(`${file}: YAML error${e.linePos ? ` at line ${e.linePos[0].line}` : ''}: ${e.message.split('\n')[0]}`);
    const root: unknown = doc.errors.length ? {} : doc.toJS();
    if (!isMap(root)) return (this.problems.push(`${file}: expected a mapping`), out);
    for (const k of Object.keys(root)) if (!TOP_KEYS.has(k)) this.problems.push(`${file}: unknown key '${k}' (known: ${[...TOP_KEYS].join(', ')})`);
    if (typeof root.description === 'string') out.description = root.description.trim();
    for (const imp of this.imports(root.imports ?? root.inherits, file)) await this.mergeImport(out, imp, [...stack, file]);
    if (root.instrument !== undefined) out.instrument = root.instrument === null ? null : String(root.instrument);
    if (root.parameters !== undefined) {
      if (!isMap(root.parameters)) this.problems.push(`${file}: parameters must be a mapping of name to value`);
      else Object.assign(out.parameters, root.parameters);
    }
    this.ownTasks(out, root.tasks, file);
    this.ownSubsets(out, root.subsets, file);
    this.ownContracts(out, root.contracts, file);
    return out;
  }

  imports(v: unknown, file: string): { location: string; include: string[] | null; exclude: string[]; importContracts: boolean }[] {
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.flatMap((imp, i) => {
      const where = `${file}: imports[${i}]`;
      if (typeof imp === 'string') return [{ location: imp, include: null, exclude: [], importContracts: true }];
      if (!isMap(imp) || typeof imp.location !== 'string') return (this.problems.push(`${where}: expected a location or {location, include, exclude}`), []);
      for (const k of Object.keys(imp)) if (!IMPORT_KEYS.has(k)) this.problems.push(`${where}: unknown key '${k}'`);
      if (imp.include !== undefined && imp.exclude !== undefined) this.problems.push(`${where}: give include or exclude, not both`);
      const names = (x: unknown) => (x === undefined ? null : (Array.isArray(x) ? x : [x]).map(String));
      return [{ location: imp.location, include: names(imp.include), exclude: names(imp.exclude) ?? [], importContracts: imp.importContracts !== false }];
    });
  }

  async mergeImport(out: ExpandedPipeline, imp: ReturnType<Expander['imports']>[number], stack: string[]) {
    const from = stack[stack.length - 1]!;
    const target = this.locate(imp.location, from, from);
    if (!target) return;
    const sub = await this.expand(target, stack);
    // Names in include/exclude are labels or subsets of the imported pipeline.
    const expandNames = (names: string[]) =>
      new Set(
        names.flatMap((n) => {
          if (sub.tasks.has(n)) return [n];
          const s = sub.subsets.get(n);
          if (s) return s.tasks;
          this.problems.push(`${from}: import ${imp.location}: '${n}' is neither a task nor a subset there`);
          return [];
        }),
      );
    const include = imp.include ? expandNames(imp.include) : null;
    const exclude = expandNames(imp.exclude);
    const kept = [...sub.tasks.keys()].filter((l) => (!include || include.has(l)) && !exclude.has(l));
    for (const label of kept) {
      const prev = out.tasks.get(label);
      if (prev && prev.class !== sub.tasks.get(label)!.class) this.problems.push(`${from}: task '${label}' is imported from both ${prev.file} and ${sub.tasks.get(label)!.file} with different classes`);
      out.tasks.set(label, sub.tasks.get(label)!);
    }
    for (const [name, s] of sub.subsets) {
      const tasks = s.tasks.filter((l) => kept.includes(l));
      if (tasks.length > 0) out.subsets.set(name, { ...s, tasks });
    }
    if (imp.importContracts) out.contracts.push(...sub.contracts);
    Object.assign(out.parameters, { ...sub.parameters, ...out.parameters });
    out.instrument ??= sub.instrument;
  }

  ownTasks(out: ExpandedPipeline, tasks: unknown, file: string) {
    if (tasks === undefined || tasks === null) return;
    if (!isMap(tasks)) return void this.problems.push(`${file}: tasks must map labels to a class or {class, config}`);
    for (const [label, def] of Object.entries(tasks)) {
      const where = `${file}: task '${label}'`;
      if (!/^[A-Za-z_][\w]*$/.test(label)) this.problems.push(`${where}: labels are identifiers`);
      const spec = typeof def === 'string' ? { class: def } : def;
      if (!isMap(spec)) {
        this.problems.push(`${where}: expected a class name or {class, config}`);
        continue;
      }
      const prev = out.tasks.get(label);
      const cls = typeof spec.class === 'string' ? spec.class : prev?.class;
      if (!cls) {
        this.problems.push(`${where}: has no class and overrides no imported task`);
        continue;
      }
      // Same class: config layers on top of the imported one; a new class starts afresh.
      const task: PipeBaseTask = prev && prev.class === cls ? { ...prev, config: new Map(prev.config), pythonConfig: [...prev.pythonConfig], file } : { label, class: cls, config: new Map(), pythonConfig: [], file };
      if (isMap(spec) && !VERA_CLASS.test(cls)) {
        for (const k of Object.keys(spec)) if (!['class', 'config'].includes(k)) this.problems.push(`${where}: unknown key '${k}' (a pipe_base task has class and config)`);
      }
      const layers = spec.config === undefined ? [] : Array.isArray(spec.config) ? spec.config : [spec.config];
      layers.forEach((layer, i) => {
        if (!isMap(layer)) return void this.problems.push(`${where}: config ${i} must be a mapping`);
        for (const [k, v] of Object.entries(layer)) {
          if (k === 'python' || k === 'file') task.pythonConfig.push(`${k}: ${String(v).trim().split('\n')[0]}`);
          else if (k === 'dataId') task.pythonConfig.push(`dataId-specific config for ${JSON.stringify(v)}`);
          else flatten(k, v, task.config);
        }
      });
      if (VERA_CLASS.test(cls)) task.veraSpec = spec;
      out.tasks.set(label, task);
    }
  }

  ownSubsets(out: ExpandedPipeline, subsets: unknown, file: string) {
    if (subsets === undefined || subsets === null) return;
    if (!isMap(subsets)) return void this.problems.push(`${file}: subsets must map names to lists of labels`);
    for (const [name, def] of Object.entries(subsets)) {
      const spec = Array.isArray(def) ? { subset: def, description: '' } : def;
      if (!isMap(spec) || !Array.isArray(spec.subset)) {
        this.problems.push(`${file}: subset '${name}': expected a list of labels or {subset, description}`);
        continue;
      }
      if (out.tasks.has(name)) this.problems.push(`${file}: subset '${name}' has the name of a task`);
      out.subsets.set(name, { tasks: spec.subset.map(String), description: typeof spec.description === 'string' ? spec.description.trim() : '' });
    }
  }

  ownContracts(out: ExpandedPipeline, contracts: unknown, file: string) {
    if (contracts === undefined || contracts === null) return;
    const list = Array.isArray(contracts) ? contracts : [contracts];
    list.forEach((c, i) => {
      if (typeof c === 'string') out.contracts.push({ contract: c, msg: null, file });
      else if (isMap(c) && typeof c.contract === 'string') out.contracts.push({ contract: c.contract, msg: typeof c.msg === 'string' ? c.msg : null, file });
      else this.problems.push(`${file}: contracts[${i}]: expected an expression or {contract, msg}`);
    });
  }
}

/** Dotted config paths: `{a: {b: 1}}` and `a.b: 1` both set `a.b`. */
function flatten(prefix: string, v: unknown, into: Map<string, unknown>) {
  if (isMap(v) && Object.keys(v).length > 0) for (const [k, x] of Object.entries(v)) flatten(`${prefix}.${k}`, x, into);
  else into.set(prefix, v);
}

/** Expands a pipe_base-shaped pipeline (and its imports), selects `#subset`/`#labels`, and checks it all. */
export async function validatePipeBase(ref: string, opts: PipeBaseOptions): Promise<PipelineReport> {
  const { file, selection } = splitPipelineRef(ref);
  const x = new Expander(opts);
  const pipeline = await x.expand(path.resolve(file), []);
  const problems = x.problems;
  // Parameters resolve after the whole expansion: the importing file's values win, as in pipe_base.
  for (const task of pipeline.tasks.values()) {
    const config = new Map(task.config);
    config.forEach((v, k) => {
      const param = typeof v === 'string' ? /^parameters\.(\w+)$/.exec(v) : null;
      if (!param) return;
      if (param[1]! in pipeline.parameters) config.set(k, pipeline.parameters[param[1]!]);
      else problems.push(`${task.file}: task '${task.label}': config ${k} uses parameters.${param[1]}, which is not defined`);
    });
    pipeline.tasks.set(task.label, { ...task, config });
  }
  for (const [name, s] of pipeline.subsets) {
    const unknown = s.tasks.filter((l) => !pipeline.tasks.has(l));
    if (unknown.length > 0) problems.push(`subset '${name}' names task${unknown.length > 1 ? 's' : ''} not in the pipeline: ${unknown.join(', ')}`);
  }
  let selected = [...pipeline.tasks.keys()];
  if (selection) {
    const chosen = new Set<string>();
    for (const n of selection) {
      const s = pipeline.subsets.get(n);
      if (s) s.tasks.forEach((l) => chosen.add(l));
      else if (pipeline.tasks.has(n)) chosen.add(n);
      else problems.push(`'#${n}' is neither a subset (${[...pipeline.subsets.keys()].join(', ') || 'none'}) nor a task of ${file}`);
    }
    selected = selected.filter((l) => chosen.has(l));
  }
  const notRunnable = selected.filter((l) => !VERA_CLASS.test(pipeline.tasks.get(l)!.class)).map((l) => ({ label: l, class: pipeline.tasks.get(l)!.class }));
  const configs = new Map<string, KnownConfig>(selected.map((l) => [l, pipeline.tasks.get(l)!.config]));
  const contracts: ContractResult[] = [];
  for (const c of pipeline.contracts) {
    let tree;
    try {
      tree = parseContract(c.contract);
    } catch (e) {
      if (!(e instanceof ContractSyntaxError)) throw e;
      problems.push(`${c.file}: contract '${c.contract}': ${e.message}`);
      continue;
    }
    // As pipe_base does for a subset: contracts about tasks that are not there are dropped.
    const labels = [...contractLabels(tree)].filter((n) => !['True', 'False', 'None'].includes(n));
    if (labels.some((l) => !configs.has(l))) continue;
    try {
      const ok = Boolean(evaluateContract(tree, configs));
      contracts.push({ ...c, result: ok ? 'passed' : 'failed' });
      if (!ok) problems.push(`contract failed: ${c.msg ?? c.contract}${c.msg ? ` (${c.contract})` : ''}`);
    } catch (e) {
      if (!(e instanceof NotEvaluable)) throw e;
      contracts.push({ ...c, result: 'not evaluated', reason: e.message });
    }
  }
  if (notRunnable.length === 0 && selected.length > 0 && problems.length === 0) await checkVeraTasks(pipeline, selected, opts, problems);
  return { pipeline, selected, problems, notRunnable, contracts };
}

/**
 * Vera tasks get Vera's own checks too (modules, dimensions, connections, configs against the
 * task's schema), on the selection, when every selected task is one and comes from the top file
 * (class paths are relative to the file that names them).
 */
async function checkVeraTasks(pipeline: ExpandedPipeline, selected: readonly string[], opts: PipeBaseOptions, problems: string[]) {
  const tasks = selected.map((l) => pipeline.tasks.get(l)!);
  if (tasks.some((t) => t.file !== pipeline.file || !t.veraSpec)) return;
  // The config as expanded (parameters applied, overrides layered), nested again for Vera's schema.
  const nested = (config: ReadonlyMap<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of config) {
      const keys = k.split('.');
      let cur = out;
      for (const key of keys.slice(0, -1)) cur = (cur[key] ??= {}) as Record<string, unknown>;
      cur[keys[keys.length - 1]!] = v;
    }
    return out;
  };
  const text = stringify({ description: pipeline.description, tasks: Object.fromEntries(tasks.map((t) => [t.label, { ...t.veraSpec, config: nested(t.config) }])) });
  try {
    await loadPipelineText(text, pipeline.file, {}, { roots: opts.roots });
  } catch (e) {
    problems.push((e as Error).message);
  }
}
