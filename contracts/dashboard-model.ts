import { z } from 'zod';

/**
 * The dashboard model: a dashboard is JSON made of variables (metric, branch, dataset, band, ...;
 * their values live in the page URL as `?var-<name>=...`) and rows of panels. Each panel has a
 * type (how it draws) and a query (what it draws), written with `$variable` references. The web
 * app (dashboard/) renders it; the database stores it; `vera dashboards export/import` moves it.
 * It lives in contracts/ because the server checks it and the web app draws it: both import it.
 */

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const NAME = /^[a-z][a-zA-Z0-9_]{0,31}$/;
/** `$name` or `${name}` anywhere in a string. */
const VARIABLE_REF = /\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g;

export const VARIABLE_KINDS = ['metric', 'dataset', 'branch', 'band', 'text'] as const;
export const PANEL_TYPES = ['timeseries', 'stat', 'table', 'bar', 'heatmap'] as const;

const variableSchema = z
  .object({
    name: z.string().regex(NAME, 'a variable name is a letter then letters, digits or _'),
    /** Where its options come from: measured metrics, datasets, branches, bands of data IDs; `text` is free. */
    kind: z.enum(VARIABLE_KINDS),
    label: z.string().max(40).optional(),
    multi: z.boolean().default(false),
    /** Adds an "all" option that means "no filter" (bands). */
    includeAll: z.boolean().default(false),
    default: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .strict();

/** Strings may hold `$variable` references; the app substitutes the current values. */
const str = z.string().min(1).max(200);

const overviewQuery = z.object({ source: z.literal('overview'), branch: str.default('master') }).strict();
const seriesQuery = z
  .object({
    source: z.literal('series'),
    metric: str,
    dataset: str,
    /** One series per branch, overlaid; a multi-valued variable expands to all its values. */
    branches: z.array(str).min(1).max(8),
    /** Data ID filter, e.g. {"band": "$band"}; a value of "all" or empty drops the key. */
    dataId: z.record(z.string(), str).default({}),
  })
  .strict();
const dataIdsQuery = z
  .object({
    source: z.literal('dataIds'),
    metric: str,
    dataset: str,
    branch: str,
    /** The data ID dimension to group by (band, visit, patch, detector, ...), or a variable naming one. */
    dimension: z.string().regex(/^(\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?|[a-z][a-zA-Z0-9_]{0,31})$/, 'a dimension name or a $variable'),
    /** How many of the latest measured commits to show (heatmap columns). */
    commits: z.number().int().min(1).max(200).default(20),
  })
  .strict();
const regressionsQuery = z.object({ source: z.literal('regressions'), status: str.optional(), metric: str.optional() }).strict();
const runsQuery = z.object({ source: z.literal('runs'), status: str.optional(), limit: z.number().int().min(1).max(500).default(20) }).strict();

export const panelQuerySchema = z.discriminatedUnion('source', [overviewQuery, seriesQuery, dataIdsQuery, regressionsQuery, runsQuery]);

/** Which query sources each panel type can draw. */
export const PANEL_SOURCES: Record<(typeof PANEL_TYPES)[number], readonly string[]> = {
  timeseries: ['series'],
  stat: ['overview', 'series', 'regressions', 'runs'],
  table: ['overview', 'regressions', 'runs'],
  bar: ['dataIds'],
  heatmap: ['dataIds'],
};

/** What a stat panel shows of its query. */
export const STAT_REDUCERS: Record<string, readonly string[]> = {
  overview: ['metrics', 'passing', 'failing'],
  series: ['latest', 'mean', 'min', 'max'],
  regressions: ['count'],
  runs: ['count', 'failed'],
};

const panelSchema = z
  .object({
    id: z.string().regex(SLUG, 'a panel id is lowercase letters, digits and -'),
    title: z.string().min(1).max(80),
    description: z.string().max(300).optional(),
    type: z.enum(PANEL_TYPES),
    /** Columns out of 12. */
    width: z.number().int().min(1).max(12).default(12),
    query: panelQuerySchema,
    /** Stat panels: which number to show (see STAT_REDUCERS). */
    reduce: z.string().optional(),
  })
  .strict();

const rowSchema = z
  .object({
    title: z.string().max(80).optional(),
    /** Panel height in pixels. */
    heightPx: z.number().int().min(80).max(900).default(300),
    panels: z.array(panelSchema).min(1).max(12),
  })
  .strict();

export const dashboardSchema = z
  .object({
    slug: z.string().regex(SLUG, 'a slug is lowercase letters, digits and -, at most 63 characters'),
    title: z.string().min(1).max(100),
    description: z.string().max(500).default(''),
    variables: z.array(variableSchema).max(10).default([]),
    rows: z.array(rowSchema).min(1).max(20),
  })
  .strict()
  .superRefine((d, ctx) => {
    const declared = new Set(d.variables.map((v) => v.name));
    if (declared.size !== d.variables.length) ctx.addIssue({ code: 'custom', path: ['variables'], message: 'variable names must be unique' });
    const ids = new Set<string>();
    d.rows.forEach((row, r) =>
      row.panels.forEach((p, i) => {
        const path = ['rows', r, 'panels', i];
        if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `panel id '${p.id}' is used twice` });
        ids.add(p.id);
        if (!PANEL_SOURCES[p.type].includes(p.query.source)) {
          ctx.addIssue({ code: 'custom', path: [...path, 'query', 'source'], message: `a ${p.type} panel draws ${PANEL_SOURCES[p.type].join(' or ')} queries, not ${p.query.source}` });
        }
        if (p.type === 'stat') {
          const allowed = STAT_REDUCERS[p.query.source] ?? [];
          if (!p.reduce || !allowed.includes(p.reduce)) {
            ctx.addIssue({ code: 'custom', path: [...path, 'reduce'], message: `a stat panel on ${p.query.source} needs reduce: ${allowed.join(', ')}` });
          }
        }
        for (const name of variableRefs(p.query)) {
          if (!declared.has(name)) ctx.addIssue({ code: 'custom', path: [...path, 'query'], message: `$${name} is not a variable of this dashboard` });
        }
      }),
    );
  });

export type DashboardDefinition = z.infer<typeof dashboardSchema>;
export type DashboardInput = z.input<typeof dashboardSchema>;
export type DashboardVariable = DashboardDefinition['variables'][number];
export type DashboardRow = DashboardDefinition['rows'][number];
export type Panel = DashboardRow['panels'][number];
export type PanelType = Panel['type'];
export type PanelQuery = z.infer<typeof panelQuerySchema>;

/** Names of the variables a query refers to. */
export function variableRefs(query: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(VARIABLE_REF)) out.add(m[1]!);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(query);
  return out;
}
