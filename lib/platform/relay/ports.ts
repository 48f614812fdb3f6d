/**
 * What the relay's routines (publish, forward, sweep, replay) need: somewhere to publish and the
 * outbox to read and mark. The EventBridge publisher and the DynamoDB outbox store implement them.
 */
import type { OutboxRow } from '../adapters/dynamodb/outbox-row';

/**
 * A committed outbox payload as the relay publishes it: the JSON object exactly as its producer
 * wrote it. The relay reads only what it needs to address it on the bus; it never judges `data`
 * or `version` against a contract (consumers do, with every version they know).
 */
export interface CommittedEvent {
  id: string;
  type: string;
  source: string;
  time?: unknown;
  correlationId?: unknown;
  // ...and every other field of the payload, published unchanged.
}

export interface PublishFailure {
  id: string;
  code: string;
  message: string;
}

export interface PublishResult {
  published: string[];
  failed: PublishFailure[];
}

/** Which path published a row: the stream forwarder, the sweeper, a replay or the watchdog's re-drive. */
export type PublishPath = 'stream' | 'sweeper' | 'replay' | 'redrive';

export interface EventPublisher {
  publish(events: CommittedEvent[]): Promise<PublishResult>;
}

/** Where a paged read of the pending rows stopped (opaque to the caller). */
export type UnpublishedCursor = Record<string, unknown>;

export interface RelayOutbox {
  /** One page of the unpublished rows committed at or before `createdBefore` (epoch ms); pass `cursor` back for the next. */
  findUnpublished(createdBefore: number, cursor?: UnpublishedCursor): Promise<{ rows: OutboxRow[]; cursor?: UnpublishedCursor }>;
  oldestUnpublishedAge(now: number): Promise<number>;
  /**
   * Claims pending rows for one sweep until `now + leaseMs`: a row claimed by a sweep still running
   * is not claimed again, so sweeps that overlap never publish the same rows. The ids claimed.
   */
  claimForSweep(ids: string[], now: number, leaseMs: number): Promise<Set<string>>;
  /** Lets go of claimed rows that are still pending (their publication failed). */
  releaseSweepClaims(ids: string[]): Promise<void>;
  markPublished(ids: string[], now: number, by: PublishPath): Promise<{ marked: string[]; failed: string[] }>;
  /** Records why a row cannot be published; the row stays pending (in the index) until fixed. */
  markUnpublishable(id: string, reason: string, now: number): Promise<void>;
  markPendingAgain(ids: string[]): Promise<void>;
  get(id: string): Promise<OutboxRow | undefined>;
  findByAggregate(aggregateId: string, limit: number): Promise<OutboxRow[]>;
  findByType(type: string, from: number, to: number, limit: number): Promise<OutboxRow[]>;
}

/** Where the sweep clock leaves itself its next ticks: a queue that delivers each message after its delay. */
export interface SweepTicks {
  /** One tick per delay (seconds from now). */
  sendAfter(delaysSeconds: number[]): Promise<void>;
}

/** Starts one outbox's sweeper (asynchronously: the clock never waits for a sweep). */
export interface SweeperTrigger {
  sweep(functionName: string): Promise<void>;
}
