import type { EventBus } from '../events/bus.ts';
import { onRunFinished } from './builds.ts';
import type { CiDeps } from './deps.ts';

/** CI listens for a run's measurements: once a build's runs have all ended, the build is reported. */
export function subscribeCi(events: EventBus, deps: CiDeps): void {
  events.on('measurements.ingested', ({ run }) => onRunFinished(deps, run));
}
