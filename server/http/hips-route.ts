import type http from 'node:http';
import type { Vera } from '../app.ts';
import { hipsDirOf, hipsProperties, hipsTile, HIPS_ORDER, HIPS_ORDER_MIN, HIPS_STATISTICS, type HipsStatistic } from '../analysis/hips.ts';
import { httpStatusOf, VeraError } from '../errors.ts';
import { actorOf } from '../graphql/yoga.ts';

/**
 * `GET /hips/<collection>/<statistic>/properties` and `.../Norder<k>/Dir<d>/Npix<n>.fits`: the
 * HiPS layout of a sky map (server/analysis/hips.ts), read-only. The collection is one
 * percent-encoded segment (`u%2Fop%2Fprod`); nothing in the path names a file: each part is
 * matched by a pattern, the order, directory and index checked against the standard's rules
 * (Dir = ⌊n/10000⌋·10000, n < 12·4^k), and the tile is made from the database.
 */
export const HIPS_PATH = /^\/hips\/([^/]+)\/([^/]+)\/(.*)$/;
const TILE = /^Norder(\d{1,2})\/Dir(\d{1,15})\/Npix(\d{1,15})\.fits$/;
const COLLECTION = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,254}$/;

export async function handleHips(vera: Vera, req: http.IncomingMessage, res: http.ServerResponse, match: RegExpExecArray): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `${req.method} is not allowed on a HiPS; it is read-only` }));
    return;
  }
  try {
    await actorOf(vera, req.headers.authorization ?? null);
    const [, encoded, statistic, rest] = match as unknown as [string, string, string, string];
    let collection: string;
    try {
      collection = decodeURIComponent(encoded);
    } catch {
      throw new VeraError('BAD_INPUT', `HiPS path: '${encoded}' is not a percent-encoded collection name`);
    }
    if (!COLLECTION.test(collection) || collection.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      throw new VeraError('BAD_INPUT', `HiPS path: '${collection}' is not a collection name`);
    }
    if (!(HIPS_STATISTICS as readonly string[]).includes(statistic)) {
      throw new VeraError('NOT_FOUND', `HiPS path: no statistic '${statistic}' (${HIPS_STATISTICS.join(', ')})`);
    }
    const stat = statistic as HipsStatistic;
    // Anonymous reads are the server's choice; when it allows them, any page (Aladin Lite) may read tiles.
    const cors: Record<string, string> = vera.config.anonymousRead ? { 'access-control-allow-origin': '*' } : {};
    if (rest === 'properties') {
      const text = await hipsProperties(vera.database.db, collection, stat);
      if (text === null) throw new VeraError('NOT_FOUND', `collection '${collection}' has no sky map`);
      return send(res, req, 200, { 'content-type': 'text/plain; charset=utf-8', ...cors }, Buffer.from(text));
    }
    const tile = TILE.exec(rest);
    if (!tile) throw new VeraError('NOT_FOUND', `HiPS path: '${rest}' is neither properties nor Norder<k>/Dir<d>/Npix<n>.fits`);
    const [order, dir, npix] = [Number(tile[1]), Number(tile[2]), Number(tile[3])];
    if (order < HIPS_ORDER_MIN || order > HIPS_ORDER) throw new VeraError('NOT_FOUND', `HiPS orders are ${HIPS_ORDER_MIN}..${HIPS_ORDER}, not ${order}`);
    if (npix >= 12 * 4 ** order) throw new VeraError('NOT_FOUND', `order ${order} has no pixel ${npix}`);
    if (dir !== hipsDirOf(npix)) throw new VeraError('NOT_FOUND', `tile ${npix} lives in Dir${hipsDirOf(npix)}, not Dir${dir}`);
    const bytes = await hipsTile(vera.database.db, collection, stat, order, npix);
    if (bytes === null) throw new VeraError('NOT_FOUND', `no sources under tile Norder${order}/Npix${npix}`);
    return send(res, req, 200, { 'content-type': 'application/fits', ...cors }, Buffer.from(bytes));
  } catch (e) {
    const err = e instanceof VeraError ? e : new VeraError('INTERNAL', 'could not make the HiPS file');
    if (!(e instanceof VeraError)) vera.log.error({ err: e }, 'HiPS request failed');
    res.writeHead(httpStatusOf(err.code), { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: err.message, code: err.code }));
  }
}

function send(res: http.ServerResponse, req: http.IncomingMessage, status: number, headers: Record<string, string>, body: Buffer): void {
  res.writeHead(status, { ...headers, 'content-length': String(body.length), 'x-content-type-options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
