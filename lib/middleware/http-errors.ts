import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';

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

const statusByType: [abstract new (...args: never[]) => Error, number][] = [
  [ValidationError, 400],
  [NotFoundError, 404],
  [ConflictError, 409],
];

/** The client's mistake as a 4xx, or undefined when the error is ours (a 500). */
export const clientErrorStatus = (error: unknown): number | undefined => {
  if (error instanceof HttpError) return error.statusCode;
  return statusByType.find(([type]) => error instanceof type)?.[1];
};
