import middy, { type MiddlewareObj, type Request } from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ValidationError } from '../errors';
import { identifierSchema } from '../validation';
import { inInvocationScope, logger, metrics } from '../observability';
import { clientErrorStatus, PayloadTooLargeError, UnauthorizedError, UnsupportedMediaTypeError } from './http-errors';

/** What the HTTP API's JWT authorizer adds to the request: the token's claims (values as strings). */
interface JwtAuthorizerContext {
  authorizer?: { jwt?: { claims?: Record<string, unknown> } };
}
export type HttpEvent = Omit<APIGatewayProxyEventV2, 'body' | 'requestContext'> & {
  body?: unknown;
  requestContext: APIGatewayProxyEventV2['requestContext'] & JwtAuthorizerContext;
};
export type HttpResult = APIGatewayProxyStructuredResultV2;
type HttpRequest = Request<HttpEvent, HttpResult, Error, Context>;

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
const JSON_HEADERS = { 'Content-Type': 'application/json' };

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

/**
 * Parses a JSON body, refusing what is not JSON, too large or malformed with a 4xx that says why.
 * Runs before the handler, so nothing is written for a request that fails here.
 */
export const jsonBody = (opts: { maxBytes?: number } = {}): MiddlewareObj<HttpEvent, HttpResult> => {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const jsonBodyBefore = (request: HttpRequest): void => {
    const { event } = request;
    const contentType = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType && contentType !== 'application/json' && !contentType.endsWith('+json')) {
      throw new UnsupportedMediaTypeError(contentType);
    }
    const raw = typeof event.body === 'string' ? event.body : '';
    const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    if (Buffer.byteLength(text) > maxBytes) throw new PayloadTooLargeError(maxBytes);
    if (text.trim() === '') throw new ValidationError('Request body is empty: expected a JSON object');
    try {
      event.body = JSON.parse(text);
    } catch (error) {
      throw new ValidationError(`Malformed JSON: ${(error as Error).message}`, [], { cause: error });
    }
  };
  return { before: jsonBodyBefore };
};

/** The one place that turns typed errors into JSON responses: `{ error, message, details? }`. */
export const jsonErrors = (): MiddlewareObj<HttpEvent, HttpResult> => {
  const jsonErrorsOnError = (request: HttpRequest): void => {
    const { error } = request;
    const statusCode = clientErrorStatus(error);
    if (!error || statusCode === undefined) return;
    const details = error instanceof ValidationError && error.details.length ? { details: error.details } : {};
    logger.info('Request refused', { statusCode, error: error.name, message: error.message });
    request.response = json(statusCode, { error: error.name, message: error.message, ...details });
  };
  return { onError: jsonErrorsOnError };
};

/**
 * Middleware first, handler last. onError handlers run in reverse order of `use`, so
 * `jsonErrors` maps our typed errors and `http-error-handler` answers everything else with a
 * generic 500 that leaks nothing.
 */
export const httpHandler = (
  handler: (event: HttpEvent) => Promise<HttpResult>,
  opts: { body?: boolean; maxBodyBytes?: number } = {},
) => {
  const chain = middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(
      httpErrorHandler({
        logger: (error: unknown) => logger.error('Unhandled error', error as Error),
        fallbackMessage: JSON.stringify({ error: 'InternalError', message: 'Internal server error' }),
      }),
    )
    .use(jsonErrors())
    .use(httpHeaderNormalizer());
  if (opts.body) chain.use(jsonBody({ maxBytes: opts.maxBodyBytes }));
  return inInvocationScope(chain.handler(handler));
};

export const PATH_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** A path id, refused with a 400 before it reaches DynamoDB (which would fail on a huge key). */
export const pathParameter = (event: HttpEvent, name: string): string => {
  const value = event.pathParameters?.[name];
  if (!value) throw new ValidationError(`Missing path parameter ${name}`);
  if (!PATH_ID.test(value)) {
    throw new ValidationError(`${name} must be 1 to 128 letters, digits or _ . : -`, [{ path: name, message: 'invalid format' }]);
  }
  return value;
};

/**
 * The authenticated customer: the subject of the token the HTTP API's JWT authorizer accepted
 * (it has checked signature, issuer, audience and expiry before the function runs). A token with
 * no subject, or one that cannot be a customer id, identifies no customer.
 */
export const authenticatedCustomer = (event: HttpEvent): string => {
  const subject = event.requestContext.authorizer?.jwt?.claims?.sub;
  const parsed = identifierSchema.safeParse(subject);
  if (!parsed.success) throw new UnauthorizedError('The token does not identify a customer: its subject (sub) is missing or not a customer id');
  return parsed.data;
};

/** A request header by name (case-insensitive: the header normalizer lowercases them). */
export const header = (event: HttpEvent, name: string): string | undefined => event.headers?.[name.toLowerCase()];
