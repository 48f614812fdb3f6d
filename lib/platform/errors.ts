/**
 * Every error of the domain, in one tree under `DomainError`. They say what went wrong in business
 * terms only; the HTTP edge (`lib/platform/middleware/http-errors.ts`) is the one place that maps them to a
 * status code, and the consumer middleware the one place that decides which are never retried.
 */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DomainError';
  }
}

/** Input that breaks a rule (a request body, a replay request); `details` names each field. */
export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly details: ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ValidationError';
  }
}

/** The thing asked for does not exist (or, for another customer's order, must look as if it did not). */
export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super(`${what} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

/** The caller is authenticated but may not do this: act on behalf of another customer. */
export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/**
 * A client reused an idempotency key for a different request. The first request's outcome stands;
 * the client must send a new key for a new request.
 */
export class IdempotencyKeyReusedError extends DomainError {
  constructor(readonly key: string) {
    super(`Idempotency-Key "${key}" was already used with a different request; use a new key for a new request`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/**
 * The idempotency key is already recorded (committed by an earlier attempt of this request, or a
 * concurrent one): the transaction that would create a second order was refused. `previous` is the
 * record as the store returned it with the refusal.
 */
export class IdempotencyKeyTakenError<R = unknown> extends DomainError {
  constructor(
    readonly key: string,
    readonly previous: R,
  ) {
    super(`Idempotency-Key "${key}" is already recorded`);
    this.name = 'IdempotencyKeyTakenError';
  }
}

/** A concurrent change won a guarded write; recomputing on fresh state is the way out. */
export class ConflictError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConflictError';
  }
}

/** An event that does not satisfy its contract. Never retried: it is dead-lettered with `details`. */
export class EventSchemaError extends DomainError {
  constructor(
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'EventSchemaError';
  }
}

/**
 * An event whose envelope does not agree with the bus event that carried it (source, detail-type),
 * or whose aggregate is not the order its data is about: a forgery or a bug, never retried.
 */
export class EventProvenanceError extends EventSchemaError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(message, details);
    this.name = 'EventProvenanceError';
  }
}

/** The consumer already applied this event: the atomic marker write said so. */
export class DuplicateEventError extends DomainError {
  constructor(
    readonly consumer: string,
    readonly eventId: string,
  ) {
    super(`${consumer} already processed event ${eventId}`);
    this.name = 'DuplicateEventError';
  }
}

/**
 * A guarded counter (stock, balance) would have gone below zero when the transaction ran: what
 * was read a moment earlier no longer holds. The participant records a failure instead.
 */
export class ShortfallError extends DomainError {
  constructor(message: string) {
    super(message);
    this.name = 'ShortfallError';
  }
}

/** A customer's balance ran short when the charge was committed. */
export class InsufficientFundsError extends ShortfallError {
  constructor(readonly customerId: string) {
    super(`Insufficient funds for ${customerId}`);
    this.name = 'InsufficientFundsError';
  }
}

/** Points for this order were already awarded: the award record exists. */
export class AlreadyAwardedError extends DomainError {
  constructor(readonly orderId: string) {
    super(`Points for order ${orderId} were already awarded`);
    this.name = 'AlreadyAwardedError';
  }
}
