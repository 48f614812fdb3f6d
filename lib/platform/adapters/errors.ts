/**
 * Every error the storage and messaging adapters raise on their own, in one tree under
 * `AdapterError`. They are transient by nature: the invocation fails and the platform retries it.
 */
export class AdapterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdapterError';
  }
}

/** DynamoDB kept cancelling a transaction for concurrent writes on the same items. */
export class TransactionConflictError extends AdapterError {
  constructor(options: { cause: unknown }) {
    super('Transaction kept conflicting with concurrent writes', options);
    this.name = 'TransactionConflictError';
  }
}

/** DynamoDB kept throttling (or cancelling for another transient reason) a transaction past the writer's retries. */
export class TransactionThrottledError extends AdapterError {
  constructor(
    readonly reason: string,
    attempts: number,
    options: { cause: unknown },
  ) {
    super(`Transaction still refused (${reason}) after ${attempts} attempts`, options);
    this.name = 'TransactionThrottledError';
  }
}

/** BatchGetItem kept leaving keys unprocessed (throttling): a missing item must not look absent. */
export class UnprocessedKeysError extends AdapterError {
  constructor(
    readonly unprocessed: number,
    attempts: number,
  ) {
    super(`BatchGetItem left ${unprocessed} keys unprocessed after ${attempts} attempts`);
    this.name = 'UnprocessedKeysError';
  }
}

/** An adapter was built without a table it needs for what it was asked to do: a wiring mistake. */
export class MisconfiguredAdapterError extends AdapterError {
  constructor(message: string) {
    super(message);
    this.name = 'MisconfiguredAdapterError';
  }
}

/** SQS refused some of the sweep clock's ticks (SendMessageBatch answers per entry). */
export class SweepTickQueueError extends AdapterError {
  constructor(message: string) {
    super(message);
    this.name = 'SweepTickQueueError';
  }
}
