'use strict';
// `npm start`: the whole system on this machine. `--persist` (or LOCAL_PERSIST=1) keeps the
// DynamoDB Local data in .local-data/dynamodb across restarts; the default is in memory.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const path = require('node:path');
const { startStack, ROOT } = require('./emulator/stack');
const { JavaMissingError } = require('./emulator/java');
const { startExplorer } = require('./explorer/server');

const persist = process.argv.includes('--persist') || process.env.LOCAL_PERSIST === '1';
// `--no-streams`: the outbox stream forwarders are off, as if each had crashed after its commit;
// the sweeper alone moves the saga (a crash between commit and publish), sweeping every 5 s.
const noStreams = process.argv.includes('--no-streams');
// `--no-demo-data`: empty tables, as a freshly deployed stage has; onboard it with the README's
// commands (loadCatalogue, openAccount, a token).
const demoData = !process.argv.includes('--no-demo-data');

const banner = ({ ports, baseUrl }, explorer) => `
  Order saga is running locally.

  Saga explorer      ${explorer.url}
  HTTP API           ${baseUrl}
    POST ${baseUrl}/orders
    GET  ${baseUrl}/orders/{orderId}
    GET  ${baseUrl}/orders/{orderId}/saga
  DynamoDB Local     http://127.0.0.1:${ports.dynamodb}   (${persist ? 'persistent: .local-data/dynamodb' : 'in memory'})
  EventBridge mock   http://127.0.0.1:${ports.eventBridge}
  Describe a saga    npx sls invoke local -f describeSaga --stage local --data '{"orderId":"<id>"}'

  Every route needs a customer's token (the customer is its subject); the local stack checks
  issuer, audience and expiry, not signatures (docs/architecture.md, "Authentication and retries").

  ${demoData ? '' : `The tables are empty (--no-demo-data). Onboard this stage as a deployed one is:
    npx sls invoke local -f loadCatalogue --stage local --path catalogue/demo.json
    npx sls invoke local -f openAccount --stage local --data '{"customerId":"customer-123","credit":100000}'

  `}Try it:
    TOKEN=$(npm run -s token -- customer-123)
    curl -s -X POST ${baseUrl}/orders -H "Authorization: Bearer $TOKEN" \\
      -H 'Content-Type: application/json' -H 'Idempotency-Key: my-first-order' \\
      -d '{"items":[{"productId":"product-1","quantity":2}]}'
    curl -s ${baseUrl}/orders/<orderId> -H "Authorization: Bearer $TOKEN"

  ${noStreams ? 'Outbox stream forwarders are OFF: only the sweeper publishes (every 5 s).\n\n  ' : ''}Ctrl-C stops everything.
`;

const main = async () => {
  let stack;
  let explorer;
  let shuttingDown = false;
  const shutdown = async (code) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log('\nStopping the local stack...');
    if (explorer) await explorer.close();
    if (stack) await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));

  stack = await startStack({
    dataDir: persist ? path.join(ROOT, '.local-data', 'dynamodb') : undefined,
    stdio: 'quiet',
    demoData,
    params: noStreams ? { outboxStreams: 'false', sweepIntervalSeconds: '5', sweepsPerRun: '11' } : {},
  });
  try {
    explorer = await startExplorer({ port: stack.ports.explorer, stage: 'local', lambdaPort: stack.ports.lambda, dynamodbPort: stack.ports.dynamodb });
  } catch (error) {
    console.error(`The saga explorer could not listen on 127.0.0.1:${stack.ports.explorer} (${error.message}); set EXPLORER_PORT.`);
    return shutdown(1);
  }
  console.log(banner(stack, explorer));
  const { code, signal } = await stack.exited;
  if (!shuttingDown) {
    console.error(`serverless offline exited (code ${code}, signal ${signal})`);
    await shutdown(code || 1);
  }
};

main().catch((error) => {
  console.error(error instanceof JavaMissingError ? `\n${error.message}\n` : error);
  process.exit(1);
});
