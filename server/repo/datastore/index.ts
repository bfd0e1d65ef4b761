export { Datastore, chunksOf, type Content, type StagedFile } from './datastore.ts';
