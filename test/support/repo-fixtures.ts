import crypto from 'node:crypto';
import type { Db } from '../../server/db/client.ts';
import type { Actor } from '../../server/auth/index.ts';
import { createCollection, registerDatasets, type DataId, type DatasetRef } from '../../server/repo/index.ts';

/** Registers registry-only datasets (fake file facts) in a new or existing RUN collection. */
export async function registerIn(db: Db, actor: Actor, run: string, datasetType: string, dataIds: DataId[]): Promise<DatasetRef[]> {
  await createCollection(db, { name: run, type: 'RUN' }, actor).catch((e) => {
    if (e.code !== 'COLLECTION_CONFLICT') throw e;
  });
  return registerDatasets(
    db,
    {
      run,
      datasets: dataIds.map((dataId) => {
        const path = `${run}/${datasetType}/${Object.values(dataId).join('_')}.fits`;
        return { datasetType, dataId, path, sizeBytes: 1, checksum: `sha256:${crypto.createHash('sha256').update(path).digest('hex')}` };
      }),
    },
    actor,
  );
}
