import type { Command } from 'commander';
import { ExecQuantumError, execQuantumCluster } from '../../runner/exec-quantum.ts';

/**
 * `vera exec-quantum`: what each element of a Slurm job array runs. Reads its cluster of quanta
 * from the description file (on the shared filesystem), runs them, writes outputs beside the
 * datastore and reports them to the server, which registers them. Needs no database and no login:
 * the run's own credential is in the file the description names.
 */
export function register(program: Command): void {
  program
    .command('exec-quantum')
    .description('run one cluster of quanta of a batch job array and report the results to the server (used by the Slurm executor)')
    .requiredOption('--description <file>', 'the job array description (JSON) the executor wrote')
    .option('--index <n>', 'which cluster of the description; default $SLURM_ARRAY_TASK_ID')
    .action(async (opts: { description: string; index?: string }) => {
      const raw = opts.index ?? process.env.SLURM_ARRAY_TASK_ID;
      const index = Number(raw);
      if (raw === undefined || !/^\d+$/.test(raw) || !Number.isSafeInteger(index)) {
        process.stderr.write(`error: --index (or SLURM_ARRAY_TASK_ID) must be a non-negative integer, got '${raw ?? ''}'\n`);
        process.exit(2);
      }
      // The exit code is the executor's signal (retryUnlessExit), so it is set here, not mapped
      // from an error kind; stderr is synchronous on Linux, so nothing is lost by exiting.
      let code: number;
      try {
        code = await execQuantumCluster(opts.description, index);
      } catch (e) {
        if (!(e instanceof ExecQuantumError)) throw e;
        process.stderr.write(`error: ${e.message}\n`);
        code = e.exitCode;
      }
      if (code !== 0) process.exit(code);
    });
}
