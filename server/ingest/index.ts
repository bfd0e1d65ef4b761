export { ingestRaws, type IngestRawsRequest, type IngestRawsSummary, type RawFile, type RawProblem } from './raws.ts';
export { INSTRUMENTS, SIMCAM_INSTRUMENT, instrumentDefinition, rawRecords, type InstrumentDefinition } from './instruments.ts';
