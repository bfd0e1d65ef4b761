import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/git-repo.ts';

/**
 * The project's own lint config, applied to source text placed at a path in the tree: the rules
 * resolve imports against the real files, so a violation is judged as `npm run lint` judges it.
 */
async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: PROJECT_ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(PROJECT_ROOT, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('dependency rules in npm run lint', () => {
  it('pipelines/ may not import server/ or runner/', async () => {
    const messages = await lintAs('pipelines/drp/probe.ts', "import { VeraError } from '../../server/errors.ts';\nexport const e = VeraError;\n");
    expect(messages).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*pipelines\/ is a leaf/)]);
    const fine = await lintAs('pipelines/drp/probe.ts', "import { PipelineError } from '../framework/errors.ts';\nexport const e = PipelineError;\n");
    expect(fine).toEqual([]);
  });

  it('a lower domain may not import a higher one, and no domain imports the composition root', async () => {
    const up = await lintAs('server/metrics/probe.ts', "import { requestBuild } from '../ci/builds.ts';\nexport const r = requestBuild;\n");
    expect(up).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*server\/metrics is below ci/)]);
    const root = await lintAs('server/ci/probe.ts', "import { openVera } from '../app.ts';\nexport const o = openVera;\n");
    expect(root).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*domain code is called by the faces/)]);
    const down = await lintAs('server/ci/probe.ts', "import { loadSeries } from '../metrics/series.ts';\nexport const l = loadSeries;\n");
    expect(down).toEqual([]);
  });

  it('runner/ may not open the database', async () => {
    const messages = await lintAs('runner/probe.ts', "import { openDatabase } from '../server/db/client.ts';\nexport const o = openDatabase;\n");
    expect(messages).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*runner\/ never opens the database/)]);
  });

  it('the web app and the Action may not import server code, only their generated types and contracts/', async () => {
    const dashboard = await lintAs('dashboard/src/pages/probe.ts', "import type { RunInfo } from '../../../server/runs/index.ts';\nexport type R = RunInfo;\n");
    expect(dashboard).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*dashboard\/ and gh-actions\/ import no server code/)]);
    const action = await lintAs('gh-actions/verify/src/probe.ts', "import { VeraError } from '../../../server/errors.ts';\nexport const e = VeraError;\n");
    expect(action).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*dashboard\/ and gh-actions\/ import no server code/)]);
    const generated = await lintAs('dashboard/src/pages/probe.ts', "import type { RunQuery } from '../generated/graphql.ts';\nimport type { Panel } from '../../../contracts/dashboard-model.ts';\nexport type R = [RunQuery, Panel];\n");
    expect(generated).toEqual([]);
    const contracts = await lintAs('contracts/probe.ts', "import { VeraError } from '../server/errors.ts';\nexport const e = VeraError;\n");
    expect(contracts).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*contracts\/ is shared/)]);
  });

  it('an import cycle fails: a module that imports what imports it', async () => {
    // server/errors.ts is imported by the repository code; making it import that code back closes a cycle.
    const messages = await lintAs('server/errors.ts', "import { validateCollectionName } from './repo/index.ts';\nexport const v = validateCollectionName;\n");
    expect(messages.some((m) => m.startsWith('import-x/no-cycle:'))).toBe(true);
  });
});
