import type { Command } from 'commander';

/**
 * Every `vera` sub-command, in the order `vera --help` lists them.
 *
 * Convention: a command is a module `cli/commands/<file>.ts` exporting `register(program)`, plus
 * ONE entry here per top-level command name it registers:
 *
 *     { name: 'replay', description: 'replay ...', load: () => import('./replay.ts') },
 *
 * `vera` imports only the module of the command it runs (main.ts): `vera --help` lists the names
 * and descriptions below without importing any command, so a command's heavy dependencies
 * (PGlite, the GraphQL server, drizzle) cost nothing to the others. The description must be the
 * one the module's register() gives its command (test/cli/startup.test.ts checks). A module that
 * registers several top-level commands (butler.ts: import and export) has an entry for each,
 * all loading the same module.
 */
export interface CommandEntry {
  name: string;
  description: string;
  load: () => Promise<{ register(program: Command, cli: CliContext): void }>;
}

/** What main.ts gives a module's register() besides the program (most ignore it). */
export interface CliContext {
  /** Every command registered for real, all modules loaded (`vera completion` lists them). */
  fullProgram(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', description: 'serve GraphQL, webhooks, metrics and the dashboard (embedded database unless DATABASE_URL is set)', load: () => import('./serve.ts') },
  { name: 'dataset-types', description: 'list registered dataset types', load: () => import('./dataset-types.ts') },
  { name: 'collections', description: 'list collections (RUN, TAGGED, CHAINED, CALIBRATION)', load: () => import('./collections.ts') },
  { name: 'datasets', description: 'find datasets of a type in a collection search path', load: () => import('./datasets.ts') },
  { name: 'import', description: 'import a `butler export` YAML file: dimension records, collections, dataset types, datasets (operators)', load: () => import('./butler.ts') },
  { name: 'export', description: 'write the repository as a `butler export` YAML file', load: () => import('./butler.ts') },
  { name: 'pipeline', description: 'pipelines in the shape of LSST pipe_base: check and show, imports expanded', load: () => import('./pipeline.ts') },
  { name: 'run', description: 'run a pipeline on input collections into a new RUN collection (or resume one)', load: () => import('./run.ts') },
  { name: 'rerun', description: 'rebuild the sub-pipeline that produced a dataset from its recorded inputs, into a new run', load: () => import('./run.ts') },
  { name: 'runs', description: 'processing runs: list, show, logs, cancel, resume', load: () => import('./runs.ts') },
  { name: 'provenance', description: 'print the chain from a dataset back to raw data: producing quanta, configs, software, inputs', load: () => import('./provenance.ts') },
  { name: 'prune', description: 'delete expired runs\' datasets and files, and unused build worktrees (dry run unless --yes)', load: () => import('./prune.ts') },
  { name: 'campaign', description: 'operator campaigns: request (with an estimate, within your quota), approve or reject (operators), list, show progress and cost', load: () => import('./campaign.ts') },
  { name: 'grant', description: 'let another user prune your runs (--revoke takes it back; no user: list grants)', load: () => import('./grant.ts') },
  { name: 'simcam', description: 'the SimCam synthetic instrument: deterministic sky, camera and calibrations', load: () => import('./simcam.ts') },
  { name: 'ingest-catalogs', description: 'load the Parquet catalogs of a dataset type in collections into a PostgreSQL table catalogs.<name> (batched COPY, all or nothing)', load: () => import('./ingest-catalogs.ts') },
  { name: 'ingest-raws', description: 'ingest raw FITS files (or directories of them) of an instrument: all files or none', load: () => import('./ingest.ts') },
  { name: 'metrics', description: 'lsst.verify metrics, specifications and measurements', load: () => import('./metrics.ts') },
  { name: 'compare', description: 'compare runs, releases and chains (each against the first), or a branch (or tag) with its merge base on the default branch, metric by metric', load: () => import('./compare.ts') },
  { name: 'regressions', description: 'regressions found in metric series: list, explain, acknowledge, fix, reopen', load: () => import('./regressions.ts') },
  { name: 'replay', description: 'alert-production replays: start one (visits in observation order through AP), status, list, compare two', load: () => import('./replay.ts') },
  { name: 'sql', description: 'run one SELECT with DuckDB over the Parquet catalogs of collections (each dataset type a view), or of a local directory', load: () => import('./sql.ts') },
  { name: 'changepoints', description: 'find change points in a series (E-divisive means, as Apache Otava does), without storing it', load: () => import('./changepoints.ts') },
  { name: 'dashboards', description: 'dashboards of the web app: list, export to JSON, import from JSON, delete', load: () => import('./dashboards.ts') },
  { name: 'repos', description: 'git repositories Vera tracks (bare mirrors under VERA_HOME/git)', load: () => import('./repos.ts') },
  { name: 'builds', description: 'list CI builds', load: () => import('./repos.ts') },
  { name: 'build', description: 'build a commit of a tracked repository (runs from its vera.yaml, or --pipeline on --dataset) and wait for it', load: () => import('./repos.ts') },
  { name: 'login', description: 'store a server URL and an API token (read from standard input) in a profile, checked against the server', load: () => import('./login.ts') },
  { name: 'logout', description: "forget a profile's stored URL and token", load: () => import('./login.ts') },
  { name: 'tokens', description: 'API tokens: list, create, revoke', load: () => import('./tokens.ts') },
  { name: 'completion', description: 'print a shell completion script: vera completion bash >> ~/.bashrc', load: () => import('./completion.ts') },
  { name: 'exec-quantum', description: 'run one cluster of quanta of a batch job array and report the results to the server (used by the Slurm executor)', load: () => import('./exec-quantum.ts') },
  { name: 'users', description: 'users and roles (admins): list, create, disable, enable', load: () => import('./users.ts') },
];
