import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { VeraError } from '../../errors.ts';
import { OTAVA_DEFAULTS } from '../changepoints/index.ts';
import { describeIssue, parseUnit } from '../verify/index.ts';

/**
 * Per-metric detection config (DESIGN.md §7), as an object or YAML:
 *
 *   validate_drp.PA1:
 *     direction: lower_is_better
 *     specs: [validate_drp.PA1.design_gri]
 *     percent: { threshold: 10 }
 *     absolute: { threshold: 0.5, unit: mmag }
 *     zscore: { threshold: 5 }
 *     changepoints: false
 *
 * The three statistical methods (zscore, welch, changepoints) are on unless set to `false` (or
 * `{enabled: false}`); thresholds (specs, percent, absolute) are off unless given, since no
 * threshold suits every metric. z-score and Welch defaults together alarm (in the bad
 * direction) on ~0.9 % of 100-commit flat Gaussian series; change points keep Otava's defaults,
 * as users who come from Otava expect the same change points (DESIGN.md §7), and those alarm on
 * ~4.5 % of such series (~0.5 % with `maxPValue: 0.0001`): E-divisive picks the best split
 * before testing it, so its t-test p-values are optimistic. Rates from 4000 seeded series;
 * test/metrics/detect/false-alarms.test.ts bounds them.
 */

/**
 * z-score: a point against the mean and sample standard deviation of the previous `window`
 * points. 5 rather than the textbook 3: with σ estimated from the baseline the score is Student-t
 * distributed (Student 1908), and z > 3 on one side happens on 3e-3 of commits with 30 baseline
 * points, about once per 300-commit history; z > 5 on 2e-5 of commits (5e-4 with 10).
 * Smaller persistent shifts are the job of the methods that pool many points.
 */
export const ZSCORE_DEFAULTS = { threshold: 5, window: 30, minSamples: 10 } as const;

/**
 * Welch's t-test (Welch 1947) of the `window` points before each index against the `window`
 * points from it. 20 + 20 points find a 2σ step (expected p ≈ 2e-7) and usually a 1.5σ one
 * (3e-5). p ≤ 2e-4, five times stricter than Otava's, because ~90 overlapping tests per 100
 * commits are a multiple comparison: on flat Gaussian noise ~0.6 % of 100-commit series then
 * alarm (1.6 % with 15-point windows at 5e-4). `minSamples` 5 lets a step be seen 5 commits on.
 */
export const WELCH_DEFAULTS = { window: 20, maxPValue: 0.0002, minSamples: 5 } as const;

/** Relative threshold, in percent of the baseline (5 = 5 %); baseline: median of `window` points. */
export const PERCENT_DEFAULTS = { window: 10 } as const;

/** Absolute threshold in `unit` (the series unit when absent); baseline as for percent. */
export const ABSOLUTE_DEFAULTS = { window: 10 } as const;

const positive = (what: string) => z.number({ error: `expected a number (${what})` }).positive({ error: `must be > 0 (${what})` });
const count = (min: number) => z.int({ error: 'expected an integer' }).min(min, { error: `must be an integer >= ${min}` });
const probability = z.number({ error: 'expected a number' }).gt(0, { error: 'must be > 0' }).lte(1, { error: 'must be <= 1' });

/** `false` disables a method; `~` (YAML null) or `{}` takes its defaults. */
function method<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === false ? { enabled: false } : (v ?? {})), schema);
}

const METHOD_TYPE = { error: 'expected false or a mapping of settings' };

const zscoreSchema = z
  .strictObject(
    {
      enabled: z.boolean().default(true),
      threshold: positive('a z-score, in standard deviations').default(ZSCORE_DEFAULTS.threshold),
      window: count(2).default(ZSCORE_DEFAULTS.window),
      minSamples: count(2).default(ZSCORE_DEFAULTS.minSamples),
    },
    METHOD_TYPE,
  )
  .refine((c) => c.minSamples <= c.window, { path: ['minSamples'], error: 'must be <= window, or no point could ever be tested' });

const welchSchema = z
  .strictObject(
    {
      enabled: z.boolean().default(true),
      window: count(2).default(WELCH_DEFAULTS.window),
      maxPValue: probability.default(WELCH_DEFAULTS.maxPValue),
      minSamples: count(2).default(WELCH_DEFAULTS.minSamples),
    },
    METHOD_TYPE,
  )
  .refine((c) => c.minSamples <= c.window, { path: ['minSamples'], error: 'must be <= window, or no point could ever be tested' });

const changepointsSchema = z.strictObject(
  {
    enabled: z.boolean().default(true),
    window: count(2).default(OTAVA_DEFAULTS.window),
    maxPValue: z.number({ error: 'expected a number' }).min(0, { error: 'must be >= 0' }).max(1, { error: 'must be <= 1' }).default(OTAVA_DEFAULTS.maxPValue),
    minMagnitude: z.number({ error: 'expected a number' }).min(0, { error: 'must be >= 0' }).default(OTAVA_DEFAULTS.minMagnitude),
  },
  METHOD_TYPE,
);

const unitSchema = z.string({ error: 'expected a unit string' }).superRefine((u, ctx) => {
  try {
    parseUnit(u);
  } catch (e) {
    if (!(e instanceof VeraError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message });
  }
});

export const detectionConfigSchema = z.strictObject(
  {
    direction: z.enum(['lower_is_better', 'higher_is_better'], { error: "expected 'lower_is_better' or 'higher_is_better'" }),
    /** Which point statistic the methods look at. */
    statistic: z.enum(['mean', 'median'], { error: "expected 'mean' or 'median'" }).default('mean'),
    /** Fully qualified specification names (`validate_drp.PA1.design_gri`). */
    specs: z.array(z.string().min(1, { error: 'expected a specification name' })).default([]),
    percent: z
      .strictObject({ threshold: positive('percent of the baseline'), window: count(1).default(PERCENT_DEFAULTS.window) })
      .optional(),
    absolute: z
      .strictObject({
        threshold: positive('in `unit`'),
        unit: unitSchema.optional(),
        window: count(1).default(ABSOLUTE_DEFAULTS.window),
      })
      .optional(),
    /**
     * The smallest change that matters (server/metrics/detect/practical.ts): a change below it is
     * never a regression, however significant. Unset: a default for the series unit.
     */
    practical: z
      .strictObject({
        percent: positive('percent of the baseline').optional(),
        absolute: positive('in `unit`').optional(),
        unit: unitSchema.optional(),
      })
      .refine((p) => p.percent !== undefined || p.absolute !== undefined, { error: 'give percent, absolute, or both' })
      .refine((p) => p.unit === undefined || p.absolute !== undefined, { path: ['unit'], error: 'is the unit of absolute, which is not given' })
      .optional(),
    zscore: method(zscoreSchema),
    welch: method(welchSchema),
    changepoints: method(changepointsSchema),
  },
  { error: 'expected a mapping of detection settings' },
);

type MethodInput<T extends z.ZodType> = false | null | z.input<T>;

/** What a caller (or YAML) may write; `parseDetectionConfig` turns it into a `DetectionConfig`. */
export type DetectionConfigInput = Omit<z.input<typeof detectionConfigSchema>, 'zscore' | 'welch' | 'changepoints'> & {
  zscore?: MethodInput<typeof zscoreSchema>;
  welch?: MethodInput<typeof welchSchema>;
  changepoints?: MethodInput<typeof changepointsSchema>;
};
export type DetectionConfig = z.output<typeof detectionConfigSchema>;
export type Direction = DetectionConfig['direction'];
export type Statistic = DetectionConfig['statistic'];

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  const d = describeIssue(issue);
  const where = d.path === '' ? '' : `field '${d.path}': `;
  if (issue.code === 'unrecognized_keys') return `${where}${d.message}`;
  const value = valueAt(input, issue.path);
  if (value === undefined) return `${where}${issue.code === 'custom' ? '' : 'missing: '}${d.message}`;
  const shown = value === null || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
  return `${where}${d.message}${shown}`;
}

/**
 * Validates a metric's detection config and fills in defaults. Throws `CONFIG_INVALID` naming
 * the first bad field (`field 'zscore.window': must be an integer >= 2`); `where` prefixes it.
 */
export function parseDetectionConfig(input: unknown, where = 'detection config'): DetectionConfig {
  const parsed = detectionConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => describe(i, input));
  throw new VeraError('CONFIG_INVALID', `${where}: ${issues[0]}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, {
    issues,
  });
}

/** A YAML (or JSON) mapping of metric name → detection config; `file` names it in errors. */
export function parseDetectionConfigYaml(text: string, file = 'detection config'): Map<string, DetectionConfig> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new VeraError('CONFIG_INVALID', `${file}: not valid YAML: ${(e as Error).message}`, { file }, { cause: e });
  }
  if (doc === null || doc === undefined) return new Map();
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new VeraError('CONFIG_INVALID', `${file}: expected a mapping of metric name to detection config`, { file });
  }
  const out = new Map<string, DetectionConfig>();
  for (const [metric, cfg] of Object.entries(doc)) out.set(metric, parseDetectionConfig(cfg, `${file}: metric '${metric}'`));
  return out;
}
