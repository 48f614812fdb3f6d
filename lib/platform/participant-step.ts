import { ShortfallError } from './errors';
import { logger } from './observability';
import { nothing, type Commit, type UnitOfWork } from './ports';

/**
 * What a participant of the saga decided to do with one event. `ignore`: nothing to do,
 * but the marker is still committed, so the event counts as handled. `commit`: the unit of work;
 * `onShortfall` is the failure to record instead when a guarded counter (stock, balance) fell
 * short between the read and the commit.
 */
export type StepPlan =
  | { kind: 'ignore'; why: string }
  | { kind: 'commit'; unit: UnitOfWork; onShortfall?: (error: ShortfallError) => UnitOfWork };

/**
 * The one way every participant step commits (reserve, charge, release, refund). A shortfall is
 * a business outcome, recorded as the failure; every other error, a duplicate included, passes
 * through untouched for the consumer middleware to handle (skip it, or let Lambda retry).
 */
export const commitStep = async (plan: StepPlan, commit: Commit, log: { step: string; orderId: string }): Promise<void> => {
  if (plan.kind === 'ignore') {
    logger.info(`${log.step}: nothing to do`, { orderId: log.orderId, why: plan.why });
    return commit(nothing());
  }
  try {
    await commit(plan.unit);
  } catch (error) {
    if (!plan.onShortfall || !(error instanceof ShortfallError)) throw error;
    logger.info(`${log.step}: ${error.message}; recording the failure`, { orderId: log.orderId });
    await commit(plan.onShortfall(error));
  }
};
