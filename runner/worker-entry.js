// Worker-thread entry: registers tsx in this thread, then exposes the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./worker.ts');
export default mod.default;
