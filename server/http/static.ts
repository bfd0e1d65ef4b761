import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

/**
 * Serves the built web app (dashboard/dist): its files with their content types, hashed assets
 * cached for a year, index.html revalidated every time, and index.html for any other page path
 * (the app routes on the client). Nothing outside the root is ever served: paths are normalized
 * and symlinks resolved before the check.
 */
export const DEFAULT_DASHBOARD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dashboard/dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface StaticFiles {
  /** Whether the app is built (the root holds index.html). */
  readonly built: boolean;
  /** Answers a GET or HEAD for `pathname`; false when it is not the app's (let the caller 404). */
  serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean;
}

interface Cached {
  mtimeMs: number;
  gzip: Buffer;
}

export function createStaticFiles(dir: string = DEFAULT_DASHBOARD_DIR): StaticFiles {
  const root = fs.existsSync(dir) ? fs.realpathSync(dir) : path.resolve(dir);
  const gzipped = new Map<string, Cached>();
  const built = () => fs.existsSync(path.join(root, 'index.html'));

  /** The real path of a regular file under the root, or undefined. */
  function resolveFile(pathname: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const candidate = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
    try {
      const real = fs.realpathSync(candidate);
      if (!real.startsWith(root + path.sep)) return undefined;
      return fs.statSync(real).isFile() ? real : undefined;
    } catch {
      return undefined;
    }
  }

  function send(req: http.IncomingMessage, res: http.ServerResponse, file: string, cacheControl: string): void {
    const stat = fs.statSync(file);
    const ext = path.extname(file).toLowerCase();
    const etag = `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`;
    const headers: http.OutgoingHttpHeaders = {
      'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'cache-control': cacheControl,
      etag,
      'last-modified': stat.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (acceptsGzip && COMPRESSIBLE.has(ext) && stat.size > 1024) {
      let cached = gzipped.get(file);
      if (!cached || cached.mtimeMs !== stat.mtimeMs) {
        cached = { mtimeMs: stat.mtimeMs, gzip: zlib.gzipSync(fs.readFileSync(file), { level: 6 }) };
        gzipped.set(file, cached);
      }
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': cached.gzip.length });
      res.end(req.method === 'HEAD' ? undefined : cached.gzip);
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': stat.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(file).pipe(res);
  }

  return {
    get built() {
      return built();
    },
    serve(req, res, pathname) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      if (!built()) return false;
      const file = pathname === '/' ? undefined : resolveFile(pathname);
      if (file) {
        send(req, res, file, pathname.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
        return true;
      }
      // A page of the app (client-side route): browsers navigate with Accept: text/html; a path
      // whose last segment has no extension is a page too. Missing assets stay 404s.
      const last = pathname.slice(pathname.lastIndexOf('/') + 1);
      const isPage = String(req.headers.accept ?? '').includes('text/html') || !last.includes('.');
      if (!isPage || pathname.startsWith('/assets/')) return false;
      send(req, res, path.join(root, 'index.html'), 'no-cache');
      return true;
    },
  };
}
