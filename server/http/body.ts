import type http from 'node:http';

/**
 * Request bodies with a bound, and refusals that clients can read.
 *
 * A server that closes a connection while the client is still sending makes the kernel answer
 * the client's next segment with a TCP reset, and a reset can discard the answer the client has
 * not read yet: it then sees ECONNRESET instead of the 413. So a refusal is written whole first
 * (with `Connection: close`), then whatever the client still sends is read and dropped, and the
 * connection closed once the client stops, or after LINGER_MS or LINGER_BYTES, whichever comes
 * first (the "lingering close" of nginx and Apache). Nothing read after the refusal is kept.
 */
const LINGER_MS = 5_000;
const LINGER_BYTES = 64 * 1024 * 1024;

/** The declared Content-Length, when there is a valid one. */
export function declaredLength(req: http.IncomingMessage): number | undefined {
  const value = req.headers['content-length'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * The body, read as it streams in; undefined as soon as it passes `maxBytes` (or declares more),
 * with reading paused and nothing more kept. Then call `refuse` to answer.
 */
export function readBoundedBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        chunks.length = 0;
        req.pause();
        cleanup();
        resolve(undefined);
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onClose = () => onError(new Error('the client closed the connection before sending its whole body'));
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Answers a request whose body will not be read (too large, or refused on its headers) and
 * closes its connection without resetting it (see above).
 */
export function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
  // The whole answer now: the client can act on it while the connection is still open.
  res.write(text);
  let dropped = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off('data', drop);
    res.end();
  };
  const drop = (c: Buffer) => {
    dropped += c.length;
    if (dropped > LINGER_BYTES) {
      finish();
      req.socket.destroy();
    }
  };
  const timer = setTimeout(() => {
    finish();
    req.socket.destroy();
  }, LINGER_MS);
  timer.unref();
  if (req.complete) return finish();
  req.on('data', drop);
  req.once('end', finish);
  req.once('close', finish);
  req.once('error', finish);
  req.resume();
}
