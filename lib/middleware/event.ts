import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { logger, metrics } from '../observability';

/**
 * Shared chain for non-HTTP handlers (streams, schedules, invocations): Lambda context in every
 * log line, metrics flushed once per invocation in embedded metric format.
 */
export const eventHandler = <TEvent, TResult>(handler: (event: TEvent) => Promise<TResult>) =>
  middy<TEvent, TResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(handler);
