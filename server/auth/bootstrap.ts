import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/client.ts';
import { createToken } from './tokens.ts';
import { countUsers, createUser } from './users.ts';

import { ADMIN_TOKEN_FILE } from './admin-token-file.ts';

export { ADMIN_TOKEN_FILE, readAdminToken } from './admin-token-file.ts';

/**
 * On first start (no users at all) creates the `admin` user and a token for it, stored in
 * `$VERA_HOME/admin-token` with mode 0600. Returns the file path when it created one.
 * The file is written before the transaction commits: a crash leaves either no user (and the
 * next start retries) or a user whose token is on disk.
 */
export async function bootstrapAdmin(db: Db, home: string): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    if ((await countUsers(tx)) > 0) return undefined;
    const user = await createUser(tx, 'admin', 'admin');
    const { token } = await createToken(tx, user.id, 'bootstrap');
    fs.mkdirSync(home, { recursive: true });
    const file = path.join(home, ADMIN_TOKEN_FILE);
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
    return file;
  });
}
