import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VeraError } from '../errors.ts';
import { parseDashboard, type DashboardDefinition } from './model.ts';

/** The dashboards Vera ships, one JSON file each (`vera dashboards export` writes the same format). */
export const DEFAULT_DASHBOARDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dashboard/defaults');

export function readDefaultDashboards(dir: string = DEFAULT_DASHBOARDS_DIR): DashboardDefinition[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (e) {
        throw new VeraError('BAD_INPUT', `${file} is not JSON: ${(e as Error).message}`, { file });
      }
      const d = parseDashboard(json, file);
      if (`${d.slug}.json` !== f) throw new VeraError('BAD_INPUT', `${file} holds dashboard '${d.slug}'; name the file ${d.slug}.json`, { file });
      return d;
    });
}
