import crypto from 'node:crypto';
import { canonicalJson } from '../../runner/pipeline/config.ts';

/** A quantum's seed: the same for the same run seed, task and data ID, whatever the execution order. */
export function quantumSeed(runSeed: number, taskLabel: string, dataId: Record<string, unknown>): number {
  const h = crypto.createHash('sha256').update(`${runSeed}|${taskLabel}|${canonicalJson(dataId)}`).digest();
  return h.readUInt32BE(0);
}
