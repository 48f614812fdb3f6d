/**
 * Typed errors of the domain. HTTP-facing errors carry `statusCode`; the HTTP error middleware is
 * the one place that turns them into responses.
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

export class ValidationError extends DomainError {
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly details: ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ValidationError';
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly statusCode = 413;
  constructor(readonly limitBytes: number) {
    super(`Request body is larger than ${limitBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly statusCode = 415;
  constructor(contentType: string) {
    super(`Content-Type must be application/json, got "${contentType}"`);
    this.name = 'UnsupportedMediaTypeError';
  }
}

export class NotFoundError extends DomainError {
  readonly statusCode = 404;
  constructor(what: string, id: string) {
    super(`${what} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  readonly statusCode = 409;
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

export const hasStatusCode = (error: unknown): error is Error & { statusCode: number } =>
  error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';
