import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { QUERY_LIMITS } from '../../server/graphql/limits.ts';
import { createLogger } from '../../server/log.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * The probe's denial of service: one anonymous query with 100 aliases of
 * `runs { quanta { inputs { id } } }` kept the server busy for minutes. Over a real HTTP server:
 * such queries are refused before anything runs, the server keeps answering meanwhile, and
 * queries within the limits are answered with a number of SQL statements that does not grow
 * with the number of runs.
 */
const statements: string[] = [];
const t = useTestDatabase({ logger: { logQuery: (query) => statements.push(query) } });
const v = useTestVera(t);
let server: VeraHttpServer;
let executor: Executor;
const log = createLogger({ logLevel: 'silent' });

beforeAll(async () => {
  executor = createLocalExecutor({ threads: 1 });
  server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server?.close();
  await executor?.close();
});

type GqlResponse = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };

async function post(query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: GqlResponse }> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(50_000),
  });
  return { status: res.status, body: (await res.json()) as GqlResponse };
}

/** Toy runs over one visit and two detectors, executed: 3 quanta each, with inputs and outputs. */
async function makeRuns(names: string[]) {
  // Each call has its own owner; the runs are in that owner's namespace, u/<owner>/<name>.
  const owner = `alice-${names[0]!.replace(/\W/g, '')}`;
  const alice = await makeActor(t.db, owner);
  for (const name of names) {
    await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: `u/${owner}/${name}`, executor: 'local' }, alice);
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, `u/${owner}/${name}`)).toBe('succeeded');
  }
}

async function seed() {
  const op = await makeActor(t.db, 'op', 'operator');
  await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 1, nDetectors: 2 });
}

const aliased = (n: number, selection: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${selection}`).join(' ')} }`;

function refusal(body: GqlResponse) {
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  return body.errors![0]!;
}

describe('query limits over HTTP', () => {
  it("refuses the probe's 100-alias query anonymously, and /healthz answers while it is handled", async () => {
    await seed();
    await makeRuns(['one', 'two']);
    const attack = post(aliased(100, 'runs { quanta { inputs { id } } }'));
    // Loosely timed: the main assertion is the refusal; this only shows the server is not stuck.
    const health = fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    const [refused, healthz] = await Promise.all([attack, health]);
    expect(healthz.status).toBe(200);
    const error = refusal(refused.body);
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: QUERY_LIMITS.aliases });
    expect(error.message).toMatch(/alias/i);
  });

  it('refuses a query whose lists multiply past the cost limit, without aliases', async () => {
    const { body } = await post('{ runs(limit: 1000) { quanta(limit: 10000) { inputs { id } } } }');
    expect(refusal(body).extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: QUERY_LIMITS.cost });
    // Defaults count too: every run's default number of quanta, each with its inputs.
    const defaults = await post('{ runs { quanta { inputs { id } } } }');
    expect(refusal(defaults.body).extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  it('refuses deep nesting, huge documents and piles of directives with the same code', async () => {
    const deep = await post('{ dataset(id: "x") { producer { inputs { producer { inputs { producer { inputs { producer { inputs { id } } } } } } } } } }');
    expect(refusal(deep.body).extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: QUERY_LIMITS.depth });
    const long = await post(`{ me { ${'name '.repeat(QUERY_LIMITS.tokens)} } }`);
    expect(refusal(long.body).extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: QUERY_LIMITS.tokens });
    const directives = await post(`{ me { name ${'@include(if: true) '.repeat(QUERY_LIMITS.directives + 1)} } }`);
    expect(refusal(directives.body).extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'directives', max: QUERY_LIMITS.directives });
  });

  it('answers a query just under the limits, batched: its SQL statements do not grow with the runs', async () => {
    await seed();
    const query = aliased(
      QUERY_LIMITS.aliases,
      `runs(limit: 10) {
        name progress { total succeeded }
        quanta(limit: 20) { id taskLabel inputs { id datasetType producer { id taskLabel } } outputs { id } }
        taskGraph { nodes { id progress { total } } edges { source target } }
      }`,
    );
    // The logger sees every statement on the database, a background job's too (the outbox, the
    // scheduler); they only ever add to a request's count, so the fewest of three asks is the
    // request's own, however the machine's load moves those jobs into the window.
    const count = async () => {
      let fewest = Infinity;
      let data: Record<string, { name: string; progress: { total: number }; quanta: { inputs: unknown[]; outputs: unknown[] }[] }[]> = {};
      for (let i = 0; i < 3; i++) {
        statements.length = 0;
        const { status, body } = await post(query);
        expect(body.errors).toBeUndefined();
        expect(status).toBe(200);
        fewest = Math.min(fewest, statements.length);
        data = body.data as typeof data;
      }
      return { n: fewest, data };
    };

    await makeRuns(['r1', 'r2']);
    const few = await count();
    expect(Object.keys(few.data)).toHaveLength(QUERY_LIMITS.aliases);
    const runs = few.data.a0!;
    expect(runs.map((r) => r.name).sort()).toEqual(['u/alice-r1/r1', 'u/alice-r1/r2']);
    for (const r of runs) {
      expect(r.progress.total).toBe(3);
      expect(r.quanta).toHaveLength(3);
      expect(r.quanta.every((q) => q.inputs.length > 0 && q.outputs.length > 0)).toBe(true);
    }

    await makeRuns(['r3', 'r4', 'r5']);
    const more = await count();
    expect(more.data.a0).toHaveLength(5);
    expect(more.n).toBe(few.n);
  });
});
