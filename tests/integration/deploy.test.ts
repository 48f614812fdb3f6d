import { packagedFunctions, packagedProdTemplate, packagedTemplate, type Resource, type Template } from '../steps/template';
import { topology } from '../../lib/services/saga';
import { RECORD_TTL_SECONDS, REPLAY_WINDOW_DAYS } from '../../lib/platform/retention';
import { MARKER_TTL_SECONDS } from '../../lib/platform/adapters/dynamodb/transaction';
import { OUTBOX_RETENTION_SECONDS } from '../../lib/platform/adapters/dynamodb/outbox-row';

/** Account concurrency (the default quota) less the 100 that Lambda keeps unreserved. */
const RESERVABLE = 1000 - 100;
const SCHEDULE_PERIOD_SECONDS = 60;

const tables = (t: Template) => Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
const fn = (t: Template, key: string): Resource => t.Resources[packagedFunctions(t).find((f) => f.key === key)!.logicalId]!;
const reserved = (t: Template) => Object.fromEntries(packagedFunctions(t).map((f) => [f.key, t.Resources[f.logicalId]!.Properties.ReservedConcurrentExecutions as number | undefined]));
/** Runs that must not overlap themselves: the sweepers (started by the clock) and the watchdog. */
const singleRunKeys = [...topology.emitters.map((s) => `${s}OutboxSweeper`), 'sagaWatchdog'];
/** Every function a schedule (or the clock's ticks) starts. */
const scheduledKeys = [...singleRunKeys, 'outboxSweepClock'];

describe('what a stage deploys (the packaged templates)', () => {
  it('keeps prod tables on delete and on replacement, except when their own create fails; a dev stage deletes them', () => {
    // Prepare
    const prod = tables(packagedProdTemplate());
    const dev = tables(packagedTemplate());
    // Assess
    expect(prod.length).toBeGreaterThan(15);
    for (const [id, t] of prod) expect({ id, deletion: t.DeletionPolicy, replace: t.UpdateReplacePolicy }).toEqual({ id, deletion: 'RetainExceptOnCreate', replace: 'Retain' });
    for (const [id, t] of dev) expect({ id, deletion: t.DeletionPolicy, replace: t.UpdateReplacePolicy }).toEqual({ id, deletion: 'Delete', replace: 'Delete' });
  });

  it('reserves concurrency in prod for the HTTP entry, the relay and every consumer, within what an account can reserve; none on other stages', () => {
    // Prepare
    const prod = reserved(packagedProdTemplate());
    const dev = reserved(packagedTemplate());
    // Assess
    for (const key of ['createOrder', ...topology.consumerNames, ...topology.emitters.map((s) => `${s}OutboxForwarder`)]) expect({ key, reserved: (prod[key] ?? 0) > 0 }).toEqual({ key, reserved: true });
    // A scheduled run has one at a time: a schedule delivered twice never overlaps itself.
    for (const key of singleRunKeys) expect({ key, reserved: prod[key] }).toEqual({ key, reserved: 1 });
    // The clock's queue trigger needs room for its pollers' batches; each tick is idempotent.
    expect(prod.outboxSweepClock).toBeGreaterThanOrEqual(5);
    const total = Object.values(prod).reduce<number>((sum, n) => sum + (n ?? 0), 0);
    expect(total).toBeLessThanOrEqual(RESERVABLE);
    expect(Object.values(dev).filter((n) => n !== undefined)).toEqual([]);
  });

  it('ends every scheduled run before the next one starts, and leaves retries of a failed run to the next run', () => {
    // Prepare
    const template = packagedTemplate();
    const configs = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    for (const key of scheduledKeys) {
      const { logicalId } = packagedFunctions(template).find((f) => f.key === key)!;
      const config = configs.find((c) => JSON.stringify(c.Properties.FunctionName).includes(logicalId));
      // Assess
      expect({ key, timeoutBelowPeriod: Number(fn(template, key).Properties.Timeout) < SCHEDULE_PERIOD_SECONDS }).toEqual({ key, timeoutBelowPeriod: true });
      expect({ key, retries: config?.Properties.MaximumRetryAttempts, age: config?.Properties.MaximumEventAgeInSeconds }).toEqual({ key, retries: 0, age: SCHEDULE_PERIOD_SECONDS });
    }
  });

  it('keeps outbox rows and markers longer than the bus archive keeps events, so a replay never re-applies one', () => {
    // Prepare
    const archive = Object.values(packagedTemplate().Resources).find((r) => r.Type === 'AWS::Events::Archive')!;
    // Assess
    expect(archive.Properties.RetentionDays).toBe(REPLAY_WINDOW_DAYS);
    for (const ttl of [MARKER_TTL_SECONDS, OUTBOX_RETENTION_SECONDS]) expect(ttl).toBe(RECORD_TTL_SECONDS);
    expect(RECORD_TTL_SECONDS).toBeGreaterThan(REPLAY_WINDOW_DAYS * 24 * 3600);
  });
});
