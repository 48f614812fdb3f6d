import { createHash } from 'node:crypto';

/**
 * A stable spread of ids over `buckets` (the same id, the same bucket, on every run and every
 * machine): how hot keys are split into shards (outbox index partitions, stock, points).
 */
export const bucketOf = (id: string, buckets: number): number => createHash('sha1').update(id).digest().readUInt16BE(0) % Math.max(1, buckets);
