export * from './auth.ts';
export * from './dimensions.ts';
export * from './registry.ts';
export * from './runs.ts';
export * from './metrics.ts';
export * from './dashboards.ts';
export * from './ci.ts';
export * from './butler.ts';
