export { importButlerExport, checkDatastoreRoot, type ButlerImportRequest, type ButlerImportSummary } from './import.ts';
export { exportButler, EXPORT_FORMAT_VERSION, type ButlerExportOptions } from './export.ts';
export { parseButlerExport, type ButlerExportFile } from './export-file.ts';
export { parseUniverse, type ButlerUniverse, type ElementDef } from './universe-config.ts';
