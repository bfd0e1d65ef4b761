import type { EventBus } from '../../events/bus.ts';
import type { RunDeps } from '../deps.ts';

/** What campaigns use: the run lifecycle's dependencies (they submit runs) and the event bus. */
export interface CampaignDeps extends RunDeps {
  events: EventBus;
}
