import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { useTestDatabase } from '../support/db.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);

/** A raw GET that sends the path exactly as given (fetch would normalize "/../"). */
function get(url: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

let root: string;
let dist: string;
let server: VeraHttpServer;
let unbuilt: VeraHttpServer;
const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-1a2b.js"></script></head><body><div id="app"></div></body></html>';
const APP = `console.log(${JSON.stringify('x'.repeat(4000))});`;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-static-'));
  dist = path.join(root, 'dist');
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dist, 'assets', 'app-1a2b.js'), APP);
  fs.writeFileSync(path.join(dist, 'assets', 'app-1a2b.css'), 'body{margin:0}');
  fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside dist');
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(dist, 'link.txt'));
  server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0, dashboardDir: dist });
  unbuilt = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0, dashboardDir: path.join(root, 'missing') });
});
afterAll(async () => {
  await server.close();
  await unbuilt.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the web app at /', () => {
  it('serves files with their content types: hashed assets cached for a year, index.html revalidated', async () => {
    const index = await get(server.url, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body.toString()).toBe(INDEX);
    const again = await get(server.url, '/', { 'if-none-match': String(index.headers.etag) });
    expect(again.status).toBe(304);

    const js = await get(server.url, '/assets/app-1a2b.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body.toString()).toBe(APP);
    expect((await get(server.url, '/assets/app-1a2b.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(server.url, '/favicon.svg')).headers['content-type']).toBe('image/svg+xml');

    const gz = await get(server.url, '/assets/app-1a2b.js', { 'accept-encoding': 'gzip, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.length).toBeLessThan(APP.length / 4);
    expect(zlib.gunzipSync(gz.body).toString()).toBe(APP);
  });

  it('answers every page path of the app with index.html, and missing files with 404', async () => {
    for (const page of ['/run/ci/master/3', '/metric/toy.offset?branch=master', '/regression/1', '/d/verification']) {
      const res = await get(server.url, page, { accept: 'text/html,application/xhtml+xml' });
      expect(res.status, page).toBe(200);
      expect(res.body.toString()).toBe(INDEX);
    }
    expect((await get(server.url, '/runs')).status).toBe(200);
    expect((await get(server.url, '/assets/missing-99.js')).status).toBe(404);
    expect((await get(server.url, '/missing.png', { accept: 'image/png' })).status).toBe(404);
    // Server routes keep their meaning.
    expect(JSON.parse((await get(server.url, '/healthz')).body.toString()).status).toBe('ok');
  });

  it('never serves a file outside the app folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/link.txt', '/%00']) {
      const res = await get(server.url, p);
      expect(res.body.toString(), p).not.toContain('outside dist');
    }
  });

  it('says how to build the app when it is not built', async () => {
    const res = await get(unbuilt.url, '/');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('npm run build');
    expect((await get(unbuilt.url, '/run/x', { accept: 'text/html' })).status).toBe(404);
  });
});
