import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VeraError } from '../../errors.ts';
import { parseMetricsYaml } from './metrics.ts';
import type { SpecFile } from './spec-docs.ts';
import { readSpecPackageDir, resolveSpecFiles, type SpecificationSet } from './specs.ts';
import type { Metric } from './types.ts';
import { unitsCompatible } from './units.ts';

export interface MetricsPackage {
  metrics: Map<string, Metric>;
  specs: SpecificationSet;
}

/**
 * One file of a metrics package, named by its path inside the package: `metrics/<package>.yaml`
 * or `specs/<package>/<any depth>/<name>.yaml`. Packages travel as such lists (the API takes no
 * server paths), so a path here is a name, checked as one, never a place on a disk.
 */
export interface MetricsPackageFile {
  path: string;
  text: string;
}

/**
 * Reads a metrics package directory such as verify_metrics (`metrics/*.yaml` and the `specs/`
 * tree; either may be absent) into its files, on the machine where it lies (the CLI's).
 */
export function readMetricsTree(root: string): MetricsPackageFile[] {
  if (!existsSync(root)) throw new VeraError('NOT_FOUND', `${root} does not exist`, { root });
  const metricsDir = join(root, 'metrics');
  const specsDir = join(root, 'specs');
  if (!existsSync(metricsDir) && !existsSync(specsDir)) {
    throw new VeraError('NOT_FOUND', `${root}: not a metrics package (no metrics/ or specs/ directory)`, { root });
  }
  const isFile = (p: string) => statSync(p).isFile();
  const isDir = (p: string) => statSync(p).isDirectory();
  const metrics = existsSync(metricsDir)
    ? readdirSync(metricsDir)
        .filter((f) => f.endsWith('.yaml') && isFile(join(metricsDir, f)))
        .map((f) => ({ path: `metrics/${f}`, text: readFileSync(join(metricsDir, f), 'utf8') }))
    : [];
  const specs = existsSync(specsDir)
    ? readdirSync(specsDir)
        .filter((e) => isDir(join(specsDir, e)))
        .flatMap((p) => readSpecPackageDir(join(specsDir, p), root).map((f) => ({ path: f.file.split('\\').join('/'), text: f.text })))
    : [];
  return [...metrics, ...specs];
}

/** Loads a metrics package directory (see readMetricsTree and loadMetricsPackageFiles). */
export function loadMetricsPackage(root: string): MetricsPackage {
  return loadMetricsPackageFiles(readMetricsTree(root));
}

/**
 * Loads a metrics package from its files, in memory: metric files in name order, specification
 * files in the order lsst.verify walks the tree (packages by name; in a directory, its files
 * before its subdirectories, each by name), whatever order they came in. File names in
 * messages are the files' paths.
 */
export function loadMetricsPackageFiles(files: readonly MetricsPackageFile[]): MetricsPackage {
  const seen = new Set<string>();
  const metricFiles: MetricsPackageFile[] = [];
  const specFiles: { segments: string[]; file: SpecFile }[] = [];
  for (const f of files) {
    const segments = packagePathSegments(f.path);
    if (seen.has(f.path)) throw new VeraError('BAD_INPUT', `metrics package file '${f.path}' is given twice`, { path: f.path });
    seen.add(f.path);
    if (segments[0] === 'metrics' && segments.length === 2 && f.path.endsWith('.yaml')) {
      metricFiles.push(f);
    } else if (segments[0] === 'specs' && segments.length >= 3 && /\.ya?ml$/.test(f.path)) {
      const inPackage = segments.slice(2).join('/');
      specFiles.push({ segments, file: { package: segments[1]!, yamlId: inPackage.replace(/\.ya?ml$/, ''), file: f.path, text: f.text } });
    } else {
      throw new VeraError('BAD_INPUT', `metrics package file '${f.path}' is neither metrics/<package>.yaml nor specs/<package>/.../<name>.yaml`, { path: f.path });
    }
  }
  if (metricFiles.length === 0 && specFiles.length === 0) throw new VeraError('BAD_INPUT', 'a metrics package needs metrics/*.yaml or specs/ files; none were given');
  const metrics = new Map<string, Metric>();
  for (const f of metricFiles.sort((a, b) => compareNames(a.path, b.path))) {
    const pkg = f.path.slice('metrics/'.length, -'.yaml'.length);
    for (const metric of parseMetricsYaml(f.text, { package: pkg, file: f.path })) metrics.set(metric.name, metric);
  }
  return { metrics, specs: resolveSpecFiles(specFiles.sort((a, b) => walkOrder(a.segments, b.segments)).map((s) => s.file)) };
}

/**
 * The segments of a path inside a metrics package: relative, `/`-separated, no empty, `.` or
 * `..` segment. A path that climbs out or is absolute is refused as an escape.
 */
function packagePathSegments(p: string): string[] {
  const segments = p.split('/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || segments.includes('..')) {
    throw new VeraError('PATH_ESCAPE', `metrics package file '${p}' must be a path inside the package (relative, without ..)`, { path: p });
  }
  if (p.includes('\\') || p.includes('\0') || segments.some((s) => s === '' || s === '.')) {
    throw new VeraError('BAD_INPUT', `metrics package file '${p}' must be a relative path of /-separated names`, { path: p });
  }
  return segments;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** os.walk's top-down order made stable: at each level, files before directories, each by name. */
function walkOrder(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const aFile = i === a.length - 1;
    const bFile = i === b.length - 1;
    if (aFile !== bFile) return aFile ? -1 : 1;
    if (a[i] !== b[i]) return compareNames(a[i]!, b[i]!);
  }
  return a.length - b.length;
}

export interface SpecProblem {
  spec: string;
  problem: string;
}

/**
 * What lsst.verify does not check when loading but a user wants to know on import:
 * specifications of metrics that `metrics/` does not define, thresholds in units that cannot
 * be compared with their metric's, and names defined twice.
 */
export function checkMetricsPackage(pkg: MetricsPackage): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const spec of pkg.specs.specs.values()) {
    const metric = pkg.metrics.get(spec.metricName);
    if (!metric) {
      problems.push({ spec: spec.name, problem: `metric ${spec.metricName} is not defined in metrics/` });
    } else if (!unitsCompatible(metric.unit, spec.threshold.unit)) {
      problems.push({
        spec: spec.name,
        problem: `threshold unit '${spec.threshold.unit.text}' cannot be compared with metric ${metric.name}'s unit '${metric.unit.text}'`,
      });
    }
  }
  for (const d of pkg.specs.duplicates) {
    problems.push({ spec: d.name, problem: `defined again in ${d.kept.file} (document ${d.kept.document ?? 1}), replacing ${d.replaced.file}` });
  }
  return problems;
}
