// Worker-thread entry: registers tsx and the task API's resolve hook in this thread, then exposes the TypeScript worker.
import './hooks/register.js';

const mod = await import('./worker.ts');
export default mod.default;
