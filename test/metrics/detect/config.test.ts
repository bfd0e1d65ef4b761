import { describe, expect, it } from 'vitest';
import { OTAVA_DEFAULTS } from '../../../server/metrics/changepoints/index.ts';
import { parseDetectionConfig, parseDetectionConfigYaml, WELCH_DEFAULTS, ZSCORE_DEFAULTS } from '../../../server/metrics/detect/index.ts';
import { expectVeraError } from '../verify/support.ts';

describe('detection config', () => {
  it('needs only a direction; statistical methods default on, Otava defaults for change points, thresholds off', () => {
    const c = parseDetectionConfig({ direction: 'lower_is_better' });
    expect(c).toEqual({
      direction: 'lower_is_better',
      statistic: 'mean',
      specs: [],
      zscore: { enabled: true, ...ZSCORE_DEFAULTS },
      welch: { enabled: true, ...WELCH_DEFAULTS },
      changepoints: { enabled: true, ...OTAVA_DEFAULTS },
    });
  });

  it('reads YAML, per metric, with `false` switching a method off and partial objects filled in', () => {
    const configs = parseDetectionConfigYaml(
      [
        'validate_drp.PA1:',
        '  direction: lower_is_better',
        '  specs: [validate_drp.PA1.design_gri]',
        '  percent: {threshold: 10}',
        '  absolute: {threshold: 0.5, unit: mmag}',
        '  zscore: {threshold: 4}',
        '  changepoints: false',
        'ap_association.completeness:',
        '  direction: higher_is_better',
        '  welch: {maxPValue: 0.01}',
      ].join('\n'),
      'detection.yaml',
    );
    const pa1 = configs.get('validate_drp.PA1')!;
    expect(pa1.zscore).toEqual({ ...ZSCORE_DEFAULTS, enabled: true, threshold: 4 });
    expect(pa1.changepoints.enabled).toBe(false);
    expect(pa1.percent).toEqual({ threshold: 10, window: 10 });
    expect(pa1.absolute).toEqual({ threshold: 0.5, unit: 'mmag', window: 10 });
    expect(configs.get('ap_association.completeness')!.welch).toEqual({ ...WELCH_DEFAULTS, enabled: true, maxPValue: 0.01 });
  });

  it('names the bad field in its errors', () => {
    expectVeraError(() => parseDetectionConfig({}), 'CONFIG_INVALID', "field 'direction': missing", 'lower_is_better');
    expectVeraError(() => parseDetectionConfig({ direction: 'up' }), 'CONFIG_INVALID', "field 'direction'", "expected 'lower_is_better' or 'higher_is_better'");
    expectVeraError(() => parseDetectionConfig({ direction: 'lower_is_better', zscore: { window: 1.5 } }), 'CONFIG_INVALID', "field 'zscore.window'", 'integer');
    expectVeraError(() => parseDetectionConfig({ direction: 'lower_is_better', welch: { maxPValue: 0 } }), 'CONFIG_INVALID', "field 'welch.maxPValue': must be > 0");
    expectVeraError(() => parseDetectionConfig({ direction: 'lower_is_better', welch: { window: 4 } }), 'CONFIG_INVALID', "field 'welch.minSamples': must be <= window");
    expectVeraError(() => parseDetectionConfig({ direction: 'lower_is_better', zscore: { treshold: 3 } }), 'CONFIG_INVALID', "field 'zscore.treshold': not a known field");
    expectVeraError(() => parseDetectionConfig({ direction: 'lower_is_better', percent: {} }), 'CONFIG_INVALID', "field 'percent.threshold': missing");
    expectVeraError(() => parseDetectionConfig({ direction: 'lower_is_better', absolute: { threshold: 1, unit: 'furlongs' } }), 'CONFIG_INVALID', "field 'absolute.unit'", 'furlongs');
    expectVeraError(() => parseDetectionConfig({ direction: 'lower_is_better', specs: ['a', ''] }), 'CONFIG_INVALID', "field 'specs[1]'");
    expectVeraError(() => parseDetectionConfig({ direction: 'lower_is_better', changepoints: { minMagnitude: -1 } }), 'CONFIG_INVALID', "field 'changepoints.minMagnitude': must be >= 0");
  });

  it('names the file and metric of a bad YAML entry', () => {
    expectVeraError(() => parseDetectionConfigYaml('m.a:\n  direction: lower_is_better\n  zscore: {window: x}\n', 'detect.yaml'), 'CONFIG_INVALID', "detect.yaml: metric 'm.a': field 'zscore.window'");
    expectVeraError(() => parseDetectionConfigYaml('- 1\n', 'detect.yaml'), 'CONFIG_INVALID', 'detect.yaml: expected a mapping');
    expectVeraError(() => parseDetectionConfigYaml('a: [\n', 'detect.yaml'), 'CONFIG_INVALID', 'detect.yaml: not valid YAML');
  });
});
