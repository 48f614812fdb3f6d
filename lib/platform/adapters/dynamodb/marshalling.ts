import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

export type Item = Record<string, AttributeValue>;

export const toItem = (value: object): Item => marshall(value, { removeUndefinedValues: true });
export const fromItem = <T>(item: Item): T => unmarshall(item) as T;
export const toValues = (values: Record<string, unknown>): Item =>
  marshall(values, { removeUndefinedValues: true }) as Item;
