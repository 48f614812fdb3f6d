import { ConflictError, ForbiddenError, IdempotencyKeyReusedError, NotFoundError, ValidationError } from '../errors';

/**
 * Errors that exist only at the HTTP edge (the request's framing, not its meaning), and the one
 * mapping from typed errors to HTTP status codes. Anything unmapped is a 500 that leaks nothing.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(readonly limitBytes: number) {
    super(413, `Request body is larger than ${limitBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(contentType: string) {
    super(415, `Content-Type must be application/json, got "${contentType}"`);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/**
 * The request carries no usable customer identity. API Gateway's JWT authorizer answers missing,
 * malformed, expired and foreign tokens itself; this covers a valid token without a customer subject.
 */
export class UnauthorizedError extends HttpError {
  constructor(message: string) {
    super(401, message);
    this.name = 'UnauthorizedError';
  }
}

const statusByType: [abstract new (...args: never[]) => Error, number][] = [
  [ValidationError, 400],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [IdempotencyKeyReusedError, 422],
];

/** The client's mistake as a 4xx, or undefined when the error is ours (a 500). */
export const clientErrorStatus = (error: unknown): number | undefined => {
  if (error instanceof HttpError) return error.statusCode;
  return statusByType.find(([type]) => error instanceof type)?.[1];
};
