import { ingestRaws } from '../../ingest/index.ts';
import type { GraphQLContext } from '../context.ts';

export const ingestMutations = {
  ingestRaws: async (_: unknown, a: { instrument: string; run?: string | null; files: { name: string; contentBase64: string }[] }, { vera, actor }: GraphQLContext) => {
    const files = a.files.map((f) => ({ name: f.name, content: new Uint8Array(Buffer.from(f.contentBase64, 'base64')) }));
    const s = await ingestRaws(vera.database.db, vera.datastore, { instrument: a.instrument, run: a.run ?? undefined, files }, actor);
    return { ...s, newVisits: s.newRecords.visit, newDetectors: s.newRecords.detector };
  },
};
