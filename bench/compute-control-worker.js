// Worker thread of the runner bench's compute control: TypeScript as in the runner's workers.
import { parentPort, workerData } from 'node:worker_threads';
import '../runner/hooks/register.js';

const { controlWorker } = await import('./compute-control.ts');
await controlWorker(parentPort, workerData.thread, workerData.threads, workerData.rounds);
