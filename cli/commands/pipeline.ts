import path from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { VeraError } from '../../server/errors.ts';
import { splitPipelineRef, validatePipeBase, type PipelineReport } from '../../runner/pipeline/pipe-base.ts';
import { printJson } from '../output.ts';

interface PipelineOpts {
  root?: string[];
  json?: boolean;
}

/**
 * Pipelines are read where the user has them: the file's directory, the current one and each
 * `--root` are the roots; `$NAME_DIR` imports resolve to the root named `name` (`--root
 * ~/lsst/drp_pipe` gives `$DRP_PIPE_DIR`).
 */
async function report(ref: string, opts: PipelineOpts): Promise<PipelineReport> {
  const { file, selection } = splitPipelineRef(ref);
  const abs = path.resolve(file);
  const roots = [path.dirname(abs), process.cwd(), ...(opts.root ?? []).map((r) => path.resolve(r))];
  return validatePipeBase(selection ? `${abs}#${selection.join(',')}` : abs, { roots });
}

function asJson(r: PipelineReport) {
  return {
    file: r.pipeline.file,
    description: r.pipeline.description,
    instrument: r.pipeline.instrument,
    parameters: r.pipeline.parameters,
    tasks: r.selected.map((l) => {
      const t = r.pipeline.tasks.get(l)!;
      return { label: l, class: t.class, config: Object.fromEntries(t.config), pythonConfig: t.pythonConfig };
    }),
    subsets: Object.fromEntries([...r.pipeline.subsets].map(([n, s]) => [n, s])),
    contracts: r.contracts,
    notRunnable: r.notRunnable,
    problems: r.problems,
  };
}

export function register(program: Command): void {
  const pipeline = program.command('pipeline').description('pipelines in the shape of LSST pipe_base: check and show, imports expanded');
  const rootOption = (v: string, prev: string[] = []) => [...prev, v];
  pipeline
    .command('validate')
    .description('check a pipeline (FILE, FILE#subset or FILE#task1,task2) and its imports; lists every problem; exit 2 if any')
    .argument('<pipeline>', 'pipeline YAML, optionally #subset or #label,label')
    .option('--root <dir>', 'a directory imports may come from ($NAME_DIR is the root named name); repeatable', rootOption)
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: PipelineOpts) => {
      const r = await report(ref, opts);
      if (opts.json) printJson({ problems: r.problems, notRunnable: r.notRunnable, contracts: r.contracts });
      else {
        process.stdout.write(`${r.pipeline.file}: ${r.selected.length} task(s)${r.pipeline.instrument ? `, instrument ${r.pipeline.instrument}` : ''}\n`);
        const counts = ['passed', 'failed', 'not evaluated'].map((k) => `${r.contracts.filter((c) => c.result === k).length} ${k}`);
        process.stdout.write(`contracts: ${counts.join(', ')}\n`);
        for (const c of r.contracts.filter((c) => c.result === 'not evaluated')) process.stdout.write(`  not evaluated: ${c.contract.replace(/\s+/g, ' ')}: ${c.reason}\n`);
        if (r.notRunnable.length > 0) {
          process.stdout.write(`not runnable here (Python task classes): ${r.notRunnable.length}\n`);
          for (const t of r.notRunnable) process.stdout.write(`  ${t.label}: ${t.class}\n`);
        }
      }
      if (r.problems.length > 0) {
        throw new VeraError('PIPELINE_INVALID', `${r.problems.length} problem${r.problems.length > 1 ? 's' : ''}:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`, { problems: r.problems });
      }
      if (!opts.json) process.stdout.write('ok\n');
    });
  pipeline
    .command('show')
    .description('print a pipeline with its imports expanded, parameters applied and the selection made, as YAML')
    .argument('<pipeline>', 'pipeline YAML, optionally #subset or #label,label')
    .option('--root <dir>', 'a directory imports may come from; repeatable', rootOption)
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: PipelineOpts) => {
      const r = await report(ref, opts);
      if (opts.json) return printJson(asJson(r));
      process.stdout.write(stringify(asJson(r), { lineWidth: 0 }));
    });
}
