import { ConflictError } from '../../errors';
import { toItem, toValues } from './marshalling';
import type { DynamoTxWrite } from './transaction';

/**
 * Conditional writes shared by the participants. Each participant keeps one record per order
 * (a reservation, a payment, or a tombstone) carrying a `version`, and counters (stock, balance)
 * that only move through conditional arithmetic.
 */
interface PerOrderRecord {
  orderId: string;
  version: number;
}

const concurrentChange = (what: string, orderId: string) => () => new ConflictError(`${what} of order ${orderId} changed concurrently; retrying`);

/** First write of an order's record: refused if anything, a tombstone included, exists. */
export const putNewRecord = (table: string, what: string, record: PerOrderRecord): DynamoTxWrite => ({
  write: { Put: { TableName: table, Item: toItem(record), ConditionExpression: 'attribute_not_exists(orderId)' } },
  onConditionFailed: concurrentChange(what, record.orderId),
});

/** Replaces an order's record only if it is still the version that was read. */
export const replaceRecord = (table: string, what: string, record: PerOrderRecord, previous: PerOrderRecord | undefined): DynamoTxWrite =>
  previous
    ? {
        write: {
          Put: {
            TableName: table,
            Item: toItem(record),
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: toValues({ ':v': previous.version }),
          },
        },
        onConditionFailed: concurrentChange(what, record.orderId),
      }
    : putNewRecord(table, what, record);

/**
 * Adds `delta` to a counter of an existing item. A negative delta never takes the counter below
 * zero, whatever runs concurrently: the condition fails instead, and `onShortfall` names why.
 */
export const adjustCounter = (opts: {
  table: string;
  key: Record<string, string>;
  counter: string;
  delta: number;
  onShortfall?: () => Error;
}): DynamoTxWrite => {
  const [keyName] = Object.keys(opts.key);
  const guard = opts.delta < 0 ? ` AND #c >= :need` : '';
  return {
    write: {
      Update: {
        TableName: opts.table,
        Key: toValues(opts.key),
        UpdateExpression: 'SET #c = #c + :delta',
        ConditionExpression: `attribute_exists(#k)${guard}`,
        ExpressionAttributeNames: { '#c': opts.counter, '#k': keyName! },
        ExpressionAttributeValues: toValues({ ':delta': opts.delta, ...(opts.delta < 0 ? { ':need': -opts.delta } : {}) }),
      },
    },
    ...(opts.onShortfall ? { onConditionFailed: opts.onShortfall } : {}),
  };
};
