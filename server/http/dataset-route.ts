import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { Vera } from '../app.ts';
import { httpStatusOf, VeraError } from '../errors.ts';
import { actorOf } from '../graphql/yoga.ts';
import { assertUuids, getDataset, getDatasetType, STORAGE_CLASSES } from '../repo/index.ts';

/** `GET /datasets/<uuid>/file`: the path this route answers. */
export const DATASET_FILE_PATH = /^\/datasets\/([^/]+)\/file$/;

/**
 * A dataset's file, streamed: FITS, Parquet or whatever its storage class stores. Reading needs
 * what GraphQL reading needs (a token, or anonymous read when the server allows it). The
 * registry's checksum goes in `X-Vera-Checksum` (`sha256:<hex>`) and `Digest` (`sha-256=<base64>`),
 * so clients check what they received. The path comes from the registry, never from the request,
 * and must resolve (symbolic links followed) inside the datastore.
 */
export async function handleDatasetFile(vera: Vera, req: http.IncomingMessage, res: http.ServerResponse, id: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `${req.method} is not allowed on a dataset file; use GET` }));
    return;
  }
  try {
    await actorOf(vera, req.headers.authorization ?? null);
    assertUuids([id], 'dataset');
    const ref = await getDataset(vera.database.db, id);
    const type = await getDatasetType(vera.database.db, ref.datasetType);
    const abs = vera.datastore.resolve(ref.path);
    const real = await fs.promises.realpath(abs).catch(() => {
      throw new VeraError('NOT_FOUND', `dataset ${id} is registered but its file is missing from the datastore`, { id });
    });
    const root = await fs.promises.realpath(vera.datastore.root);
    if (!real.startsWith(root + path.sep)) throw new VeraError('PATH_ESCAPE', `dataset ${id}'s file resolves outside the datastore`, { id });
    const stat = await fs.promises.stat(real);
    const hex = ref.checksum.replace(/^sha256:/, '');
    res.writeHead(200, {
      'content-type': STORAGE_CLASSES.get(type.storageClass)?.mediaType ?? 'application/octet-stream',
      'content-length': String(stat.size),
      'content-disposition': `attachment; filename="${path.basename(ref.path).replace(/[^A-Za-z0-9_.=+@-]/g, '_')}"`,
      'x-vera-checksum': ref.checksum,
      digest: `sha-256=${Buffer.from(hex, 'hex').toString('base64')}`,
      'x-vera-dataset-type': ref.datasetType,
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') return void res.end();
    const stream = fs.createReadStream(real);
    stream.on('error', (e) => res.destroy(e));
    stream.pipe(res);
  } catch (e) {
    const err = e instanceof VeraError ? e : new VeraError('INTERNAL', 'could not read the dataset file');
    if (!(e instanceof VeraError)) vera.log.error({ err: e }, 'dataset file failed');
    res.writeHead(httpStatusOf(err.code), { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: err.message, code: err.code }));
  }
}
