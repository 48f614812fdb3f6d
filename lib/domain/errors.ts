/**
 * Every error of the domain, in one tree under `DomainError`. They say what went wrong in business
 * terms only; the HTTP edge (`lib/middleware/http-errors.ts`) is the one place that maps them to a
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

/** Stock of a product ran short when the reservation was committed. */
export class InsufficientStockError extends ShortfallError {
  constructor(readonly productId: string) {
    super(`Insufficient stock for ${productId}`);
    this.name = 'InsufficientStockError';
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
