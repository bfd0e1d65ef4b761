/**
 * Child process for the prune crash test: prunes as `admin` and, at the given point, says
 * `paused` and waits, so the parent can SIGKILL it there.
 * argv: <databaseUrl|-> <pgliteDataDir|-> <datastoreRoot> <phase: moved|committed> <files moved before pausing>
 */
import { openDatabase, queryRows, sql } from '../../server/db/client.ts';
import { Datastore } from '../../server/repo/index.ts';
import { pruneRuns } from '../../server/runs/lifecycle/index.ts';

const [url, dataDir, root, phase, after] = process.argv.slice(2);
const database = await openDatabase({ url: url === '-' ? undefined : url, dataDir: dataDir === '-' ? undefined : dataDir });
const [admin] = await queryRows<{ id: number; name: string }>(database.db, sql`SELECT id, name FROM users WHERE name = 'admin'`);
await pruneRuns(database.db, new Datastore(root!), { ...admin!, role: 'admin' }, {
  act: true,
  onProgress: async (p) => {
    if (p.phase === phase && (p.phase === 'committed' || p.files >= Number(after))) {
      process.stdout.write('paused\n');
      await new Promise(() => {}); // until killed
    }
  },
});
process.stdout.write('finished\n');
await database.close();
