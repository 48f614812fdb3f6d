/**
 * What the relay's routines (publish, forward, sweep, replay) need: somewhere to publish and the
 * outbox to read and mark. The EventBridge publisher and the DynamoDB outbox store implement them.
 */
import type { AnyEnvelope } from '../domain/events/envelope';
import type { OutboxRow } from '../adapters/dynamodb/outbox-row';

export interface PublishFailure {
  id: string;
  code: string;
  message: string;
}

export interface PublishResult {
  published: string[];
  failed: PublishFailure[];
}

/** Which path published an outbox row: the stream forwarder, the sweeper or a replay. */
export type PublishPath = 'stream' | 'sweeper' | 'replay';

export interface EventPublisher {
  publish(events: AnyEnvelope[]): Promise<PublishResult>;
}

export interface RelayOutbox {
  findUnpublished(createdBefore: number, limit?: number): Promise<OutboxRow[]>;
  oldestUnpublishedAge(now: number): Promise<number>;
  markPublished(ids: string[], now: number, by: PublishPath): Promise<{ marked: string[]; failed: string[] }>;
  markDeadLettered(id: string, reason: string, now: number): Promise<void>;
  get(id: string): Promise<OutboxRow | undefined>;
  findByAggregate(aggregateId: string, limit: number): Promise<OutboxRow[]>;
  findByType(type: string, from: number, to: number, limit: number): Promise<OutboxRow[]>;
}
