import crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';
import type { Task } from '../../pipelines/framework/task.ts';
import { VeraError } from '../../server/errors.ts';
import { dimensionGroup, storageClass, type DimensionGroup } from '../../server/repo/index.ts';
import { canonicalJson, mergeConfig, type ConfigOverrides } from './config.ts';
import { placePipeline, readPipelineFile, resolveTaskModule, VERA_CHECKOUT } from './roots.ts';
import { PipelineSchema, type ConnectionDef, type PipelineDef } from './schema.ts';
import { importTaskModule } from './import-task.ts';

export interface ResolvedConnection extends ConnectionDef {
  name: string;
  group: DimensionGroup;
}

export interface PipelineTask {
  label: string;
  /** As written in the YAML, and resolved to the module's absolute real path and export name. */
  className: string;
  modulePath: string;
  exportName: string;
  task: Task;
  group: DimensionGroup;
  config: Record<string, unknown>;
  configHash: string;
  connections: ResolvedConnection[];
}

export interface Pipeline {
  /** Absolute path of the YAML file, and its text (recorded with each run). */
  file: string;
  text: string;
  description: string;
  /** In dependency order: producers before consumers. */
  tasks: PipelineTask[];
  /** Which task and connection produces each dataset type. */
  producers: ReadonlyMap<string, { task: PipelineTask; connection: ResolvedConnection }>;
}

function invalid(file: string, problem: string, details: Record<string, unknown> = {}): VeraError {
  return new VeraError('PIPELINE_INVALID', `${file}: ${problem}`, { file, ...details });
}

export function parsePipelineYaml(text: string, file: string): PipelineDef {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0];
    throw invalid(file, `YAML error${line ? ` at line ${line.line}, column ${line.col}` : ''}: ${e.message.split('\n')[0]}`);
  }
  const parsed = PipelineSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(file, `${issue.path.join('.') || '(top level)'}: ${issue.message}`, { path: issue.path });
  }
  return parsed.data;
}

export interface LoadOptions {
  /**
   * Directories the pipeline must lie in; its task classes resolve only to modules inside the
   * one holding it. Default: Vera's own checkout.
   */
  roots?: readonly string[] | undefined;
  /**
   * Task labels or subset names (`pipeline.yaml#name` / `#a,b`): only those tasks are kept. Their
   * inputs that the other tasks would have made are then looked for in the input collections.
   */
  selection?: readonly string[] | null | undefined;
}

/**
 * Loads and validates a pipeline: task classes are relative module paths inside the pipeline's
 * root (checked before anything is imported) and look like tasks, dimensions exist and fit
 * (inputs and outputs are determined by the quantum's data ID), each dataset type has one
 * definition and at most one producer, there is no cycle, and configs (defaults, YAML, override
 * files, `-c` options, in that order) pass each task's strict schema.
 */
export async function loadPipeline(file: string, overrides: ConfigOverrides = {}, opts: LoadOptions = {}): Promise<Pipeline> {
  const roots = opts.roots ?? [VERA_CHECKOUT];
  const read = await readPipelineFile(file, roots);
  return loadPipelineText(read.text, read.file, overrides, { roots });
}

/** Loads a pipeline from its text; `named` is where it lives, which gives its root and what task classes are relative to. */
export async function loadPipelineText(text: string, named: string, overrides: ConfigOverrides = {}, opts: LoadOptions = {}): Promise<Pipeline> {
  const place = placePipeline(named, opts.roots ?? [VERA_CHECKOUT]);
  const file = place.file;
  const def = selectTasks(parsePipelineYaml(text, file), file, opts.selection ?? null);
  const unknownLabels = Object.keys(overrides).filter((l) => !(l in def.tasks));
  if (unknownLabels.length > 0) {
    throw new VeraError('CONFIG_INVALID', `config override for unknown task '${unknownLabels[0]}'; tasks: ${Object.keys(def.tasks).join(', ')}`, {
      task: unknownLabels[0],
    });
  }
  // Every class is checked before any module is imported: importing runs the module.
  const modules = new Map(Object.entries(def.tasks).map(([label, t]) => [label, resolveTaskModule(place, label, t.class)]));
  const tasks: PipelineTask[] = [];
  for (const [label, t] of Object.entries(def.tasks)) {
    const where = `task '${label}'`;
    const group = groupFor(file, `${where} dimensions`, t.dimensions);
    const { modulePath, exportName } = modules.get(label)!;
    const task = await importTask(file, where, t.class, modulePath, exportName);
    const connections = Object.entries(t.connections).map(([name, c]) => {
      const cwhere = `${where} connection '${name}'`;
      try {
        storageClass(c.storageClass);
      } catch (e) {
        throw invalid(file, `${cwhere}: ${(e as Error).message}`);
      }
      const conn: ResolvedConnection = { ...c, name, group: groupFor(file, `${cwhere} dimensions`, c.dimensions) };
      checkDimensionsFit(file, cwhere, conn, group);
      return conn;
    });
    if (!connections.some((c) => c.kind === 'output')) throw invalid(file, `${where} has no output connection`);
    checkDeclaredConnections(file, where, t.class, task, connections);
    const config = resolveConfig(file, label, task, t.config, overrides[label] ?? {});
    tasks.push({ label, className: t.class, modulePath, exportName, task, group, config, configHash: hashConfig(config), connections });
  }
  const producers = checkDatasetTypes(file, tasks);
  return { file, text, description: def.description, tasks: topoSort(file, tasks, producers), producers };
}

/** Keeps the tasks a selection names (labels, or subsets by name); every subset must name known tasks. */
function selectTasks(def: PipelineDef, file: string, selection: readonly string[] | null): PipelineDef {
  const subsets = new Map(Object.entries(def.subsets).map(([name, s]) => [name, Array.isArray(s) ? s : s.subset]));
  for (const [name, labels] of subsets) {
    const unknown = labels.filter((l) => !(l in def.tasks));
    if (unknown.length > 0) throw invalid(file, `subset '${name}' names task${unknown.length > 1 ? 's' : ''} not in the pipeline: ${unknown.join(', ')}`, { subset: name });
  }
  if (!selection) return def;
  if (selection.length === 0) throw invalid(file, 'an empty selection after "#": name a subset or task labels');
  const chosen = new Set<string>();
  const unknown: string[] = [];
  for (const name of selection) {
    if (subsets.has(name)) subsets.get(name)!.forEach((l) => chosen.add(l));
    else if (name in def.tasks) chosen.add(name);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw invalid(file, `'#${unknown.join(',')}' names no subset (${[...subsets.keys()].join(', ') || 'none'}) and no task (${Object.keys(def.tasks).join(', ')})`, {
      selection: unknown,
    });
  }
  return { ...def, tasks: Object.fromEntries(Object.entries(def.tasks).filter(([label]) => chosen.has(label))) };
}

function groupFor(file: string, where: string, dims: readonly string[]): DimensionGroup {
  try {
    return dimensionGroup(dims);
  } catch (e) {
    throw invalid(file, `${where}: ${(e as Error).message}`);
  }
}

function checkDimensionsFit(file: string, where: string, c: ResolvedConnection, quantum: DimensionGroup) {
  if (c.kind === 'output' && c.multiple) throw invalid(file, `${where}: outputs cannot be 'multiple'`);
  if (c.kind !== 'output' && !c.persist) throw invalid(file, `${where}: only outputs have 'persist'`);
  if (c.multiple && c.kind !== 'input') throw invalid(file, `${where}: only inputs may be 'multiple'`);
  if (c.multiple) return; // gathered through the data ID space, any dimensions
  const outside = c.group.required.filter((d) => !quantum.names.includes(d));
  if (outside.length > 0) {
    throw invalid(
      file,
      `dimension mismatch: ${where} has dimensions {${c.group.required.join(', ')}} but the task's quanta are {${quantum.required.join(', ')}}; ` +
        `${outside.join(', ')} would be undetermined${c.kind === 'input' ? " (mark the input 'multiple: true' to gather several)" : ''}`,
      { dimensions: outside },
    );
  }
}

/**
 * A task that declares its connections (`defineTask({ connections })`) is wired as it says: the
 * YAML names exactly those connections, with the same kind, storage class and `multiple`.
 */
function checkDeclaredConnections(file: string, where: string, className: string, task: Task, connections: readonly ResolvedConnection[]): void {
  const declared = task.connections;
  if (!declared) return;
  const names = Object.keys(declared);
  for (const c of connections) {
    const spec = declared[c.name];
    if (!spec) throw invalid(file, `${where} connection '${c.name}': ${className} has no such connection; it declares ${names.join(', ')}`, { connection: c.name });
    const got = { kind: c.kind, storageClass: c.storageClass, multiple: Boolean(c.multiple) };
    const want = { kind: spec.kind, storageClass: spec.storageClass, multiple: Boolean(spec.multiple) };
    for (const key of ['kind', 'storageClass', 'multiple'] as const) {
      if (got[key] !== want[key]) {
        throw invalid(file, `${where} connection '${c.name}': ${key} is ${String(got[key])} in the pipeline but ${className} declares ${String(want[key])}`, { connection: c.name, field: key });
      }
    }
  }
  const missing = names.filter((n) => !connections.some((c) => c.name === n));
  if (missing.length > 0) throw invalid(file, `${where} does not wire connection${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} that ${className} declares`, { connections: missing });
}

async function importTask(file: string, where: string, className: string, modulePath: string, exportName: string): Promise<Task> {
  let mod: Record<string, unknown>;
  try {
    mod = await importTaskModule(pathToFileURL(modulePath).href);
  } catch (e) {
    throw invalid(file, `${where}: unknown task class '${className}': cannot import ${modulePath}: ${(e as Error).message.split('\n')[0]}`, {
      class: className,
    });
  }
  const task = mod[exportName] as Partial<Task> | undefined;
  if (!task || typeof task.run !== 'function' || !task.config || typeof (task.config as { safeParse?: unknown }).safeParse !== 'function') {
    const exported = Object.keys(mod).filter((k) => typeof (mod[k] as Partial<Task>)?.run === 'function');
    throw invalid(file, `${where}: unknown task class '${className}': ${modulePath} exports no task named '${exportName}' (tasks there: ${exported.join(', ') || 'none'})`, {
      class: className,
    });
  }
  return task as Task;
}

function resolveConfig(file: string, label: string, task: Task, fromYaml: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const parsed = task.config.safeParse(mergeConfig(fromYaml, override));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = (issue as { keys?: string[] }).keys;
    const field = [...issue.path, ...(keys ?? [])].join('.');
    throw new VeraError('CONFIG_INVALID', `${file}: task '${label}' config${field ? ` field '${field}'` : ''}: ${issue.message}`, {
      file,
      task: label,
      field,
    });
  }
  return parsed.data as Record<string, unknown>;
}

export function hashConfig(config: unknown): string {
  return `sha256:${crypto.createHash('sha256').update(canonicalJson(config)).digest('hex')}`;
}

function checkDatasetTypes(file: string, tasks: PipelineTask[]) {
  const defs = new Map<string, { where: string; c: ResolvedConnection }>();
  const producers = new Map<string, { task: PipelineTask; connection: ResolvedConnection }>();
  for (const t of tasks) {
    for (const c of t.connections) {
      const where = `task '${t.label}' connection '${c.name}'`;
      const prev = defs.get(c.datasetType);
      if (prev && (prev.c.group.names.join(',') !== c.group.names.join(',') || prev.c.storageClass !== c.storageClass)) {
        throw invalid(
          file,
          `dimension mismatch: dataset type '${c.datasetType}' is {${prev.c.group.required.join(', ')}} ${prev.c.storageClass} in ${prev.where} but {${c.group.required.join(', ')}} ${c.storageClass} in ${where}`,
          { datasetType: c.datasetType },
        );
      }
      defs.set(c.datasetType, { where, c });
      if (c.kind !== 'output') continue;
      const other = producers.get(c.datasetType);
      if (other) throw invalid(file, `dataset type '${c.datasetType}' is produced by both task '${other.task.label}' and task '${t.label}'`);
      producers.set(c.datasetType, { task: t, connection: c });
    }
  }
  for (const t of tasks) {
    for (const c of t.connections) {
      if ((c.kind === 'prerequisite' || c.kind === 'calibration') && producers.has(c.datasetType)) {
        throw invalid(file, `task '${t.label}' connection '${c.name}': ${c.kind} '${c.datasetType}' is produced by task '${producers.get(c.datasetType)!.task.label}'; make it an input`);
      }
    }
  }
  return producers;
}

function topoSort(file: string, tasks: PipelineTask[], producers: Map<string, { task: PipelineTask }>): PipelineTask[] {
  const out: PipelineTask[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: PipelineTask, trail: string[]) => {
    if (state.get(t.label) === 'done') return;
    if (state.get(t.label) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(t.label)), t.label];
      throw invalid(file, `cycle between tasks: ${cycle.join(' -> ')}`, { cycle });
    }
    state.set(t.label, 'visiting');
    for (const c of t.connections) {
      if (c.kind !== 'input') continue;
      const p = producers.get(c.datasetType);
      if (p) visit(p.task as PipelineTask, [...trail, t.label]);
    }
    state.set(t.label, 'done');
    out.push(t);
  };
  for (const t of tasks) visit(t, []);
  return out;
}
