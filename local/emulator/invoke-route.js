'use strict';
/**
 * Lambda's Invoke API with `InvocationType: Event` (what the sweep clock uses to start a sweeper)
 * queues the event and answers 202; a handler that then fails is retried by Lambda per the
 * function's `maximumRetryAttempts` and sent to its on-failure destination. Serverless offline
 * instead starts the handler without awaiting it, so a handler that fails rejects a promise nobody
 * holds, and the stack's process dies of the unhandled rejection. This routes those invocations
 * through the local stack's asynchronous invoker (local/emulator/async-invoke.js), as EventBridge's
 * already are; every other invocation keeps serverless offline's own path.
 */
const path = require('node:path');
const { pathToFileURL } = require('node:url');

/**
 * Patches a serverless offline `InvocationsController` class. Pure of the stack: `keyOf` maps a
 * deployed function name to its key (undefined for an unknown one), `invokeAsync` takes the event.
 * @returns {() => void} undoes the patch
 */
const routeEventInvocations = (Controller, { keyOf, invokeAsync }) => {
  const original = Controller.prototype.invoke;
  Controller.prototype.invoke = async function invoke(functionName, invocationType, event, clientContext) {
    const functionKey = invocationType === 'Event' ? keyOf(functionName) : undefined;
    // An unknown function keeps offline's answer (404, ResourceNotFoundException), as Lambda's.
    if (!functionKey) return original.call(this, functionName, invocationType, event, clientContext);
    invokeAsync(functionKey, event);
    return { Payload: '', StatusCode: 202 };
  };
  return () => {
    Controller.prototype.invoke = original;
  };
};

/** The file serverless offline's Lambda server imports its controller from (not in its package exports). */
const invocationsControllerPath = () => path.join(path.dirname(require.resolve('serverless-offline')), 'lambda', 'routes', 'invocations', 'InvocationsController.js');

/** Serverless offline's controller class: the same module instance its Lambda server uses. */
const loadInvocationsController = async () => (await import(pathToFileURL(invocationsControllerPath()).href)).default;

module.exports = { routeEventInvocations, loadInvocationsController, invocationsControllerPath };
