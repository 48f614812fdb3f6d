import { outboxSweepClockHandler } from '../../lib/platform/wiring/relay';
import { topology } from '../../lib/services/saga';

export const handler = outboxSweepClockHandler(topology);
