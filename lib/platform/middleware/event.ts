import middy, { type MiddlewareObj, type Request } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { count, inInvocationScope, logger, metrics } from '../observability';

/**
 * Logs a failed invocation with its context (correlation id, event id): the error is rethrown
 * untouched, so the platform retries what its trigger retries.
 */
export const logFailures = <TEvent, TResult>(): MiddlewareObj<TEvent, TResult> => {
  const logFailuresOnError = (request: Request<TEvent, TResult>): void => {
    if (request.response !== undefined) return; // handled by a later middleware (e.g. a duplicate)
    // Not "it will be retried": streams and asynchronous invocations are, an operator's call is not.
    logger.error('Invocation failed', request.error as Error);
    count('InvocationFailures');
  };
  return { onError: logFailuresOnError };
};

/**
 * Shared chain for non-HTTP handlers (streams, schedules, invocations): Lambda context in every
 * log line, metrics flushed once per invocation in embedded metric format.
 */
export const eventHandler = <TEvent, TResult>(handler: (event: TEvent, context: Context) => Promise<TResult>) =>
  inInvocationScope(
    middy<TEvent, TResult>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
      .use(logFailures<TEvent, TResult>())
      .handler(handler),
  );
