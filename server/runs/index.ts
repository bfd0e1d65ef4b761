export * from './types.ts';
export { createRun, type RunRequest } from './create.ts';
export { executeRun, type ExecuteDeps, type ExecuteOptions } from './execute.ts';
export { findRun, getRun, listRuns, runProgress } from './queries.ts';
export { getQuantum, getQuanta, quantaOfRun, quantumInputRefs, quantumOutputRefs, provenanceChain, type QuantumInfo, type ProvenanceStep } from './provenance.ts';
export { createRerun, type RerunRequest } from './rerun.ts';
export { submitRun, resumeRun, submitRerun, type SubmitRequest } from './submit.ts';
export { RunManager } from './manager.ts';
export { cancelRun } from './cancel.ts';
