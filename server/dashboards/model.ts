import { VeraError } from '../errors.ts';
import { dashboardSchema, type DashboardDefinition } from '../../contracts/dashboard-model.ts';

export * from '../../contracts/dashboard-model.ts';

/** Validates a dashboard definition; the error names every problem with its path. */
export function parseDashboard(input: unknown, source = 'dashboard'): DashboardDefinition {
  const parsed = dashboardSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`);
  throw new VeraError('BAD_INPUT', `${source} is not a valid dashboard: ${problems.join('; ')}`, { problems });
}
