// Registers tsx (TypeScript without a build step) and the `vera/task` resolve hook in this
// thread: the CLI and server process, and each worker thread, call it before loading Vera.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./task-api.mjs', import.meta.url, { data: { taskApiUrl: new URL('../../pipelines/framework/api.ts', import.meta.url).href } });
