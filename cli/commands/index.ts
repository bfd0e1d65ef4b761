import type { Command } from 'commander';
import { register as butler } from './butler.ts';
import { register as changepoints } from './changepoints.ts';
import { register as collections } from './collections.ts';
import { register as compare } from './compare.ts';
import { register as dashboards } from './dashboards.ts';
import { register as datasetTypes } from './dataset-types.ts';
import { register as datasets } from './datasets.ts';
import { register as execQuantum } from './exec-quantum.ts';
import { register as grant } from './grant.ts';
import { register as ingest } from './ingest.ts';
import { register as metrics } from './metrics.ts';
import { register as pipeline } from './pipeline.ts';
import { register as provenance } from './provenance.ts';
import { register as prune } from './prune.ts';
import { register as repos } from './repos.ts';
import { register as run } from './run.ts';
import { register as serve } from './serve.ts';
import { register as sql } from './sql.ts';
import { register as simcam } from './simcam.ts';
import { register as tokens } from './tokens.ts';
import { register as users } from './users.ts';

/** Every sub-command's register function, in the order `vera --help` lists them. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [serve, datasetTypes, collections, datasets, butler, pipeline, run, provenance, prune, grant, simcam, ingest, metrics, compare, sql, changepoints, dashboards, repos, tokens, users, execQuantum];
