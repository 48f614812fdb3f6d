import { createLineFilter } from '../../local/emulator/quiet-output';

const filtered = (text: string): string[] => {
  const filter = createLineFilter();
  return text.split('\n').flatMap(filter);
};

describe('npm start output', () => {
  it('drops the runtime schema warning and the internal invoke routes, and keeps the rest', () => {
    // Prepare: what serverless and serverless-offline print at start-up.
    const output = [
      'Warning: Invalid configuration encountered',
      "  at 'provider.runtime': must be equal to one of the allowed values [nodejs18.x, nodejs20.x]",
      '',
      'Learn more about configuration validation here: http://slss.io/configuration-validation',
      'local stack: 15 tables created, 7 demo items seeded',
      'Offline [http for lambda] listening on http://127.0.0.1:3002',
      'Function names exposed for local invocation by aws-sdk:',
      '   * createOrder: order-saga-local-createOrder',
      '   * getOrder: order-saga-local-getOrder',
      'Scheduling [sagaWatchdog] cron: [*/1 * * * *]',
      '│   POST | http://127.0.0.1:3000/orders                                        │',
      '│   POST |                                                                     │',
      '│   http://127.0.0.1:3000/2015-03-31/functions/createOrder/invocations         │',
      '│   GET  | http://127.0.0.1:3000/orders/{orderId}                              │',
      '│   POST | http://127.0.0.1:3000/2015-03-31/functions/getOrder/invocations     │',
      'Server ready: http://127.0.0.1:3000 🚀',
    ].join('\n');

    // Act
    const kept = filtered(output);

    // Assess
    expect(kept).toEqual([
      'local stack: 15 tables created, 7 demo items seeded',
      'Offline [http for lambda] listening on http://127.0.0.1:3002',
      'Scheduling [sagaWatchdog] cron: [*/1 * * * *]',
      '│   POST | http://127.0.0.1:3000/orders                                        │',
      '│   GET  | http://127.0.0.1:3000/orders/{orderId}                              │',
      'Server ready: http://127.0.0.1:3000 🚀',
    ]);
  });

  it('keeps a configuration warning about anything but the runtime', () => {
    // Prepare
    const output = [
      'Warning: Invalid configuration encountered',
      "  at 'functions.createOrder': unrecognized property 'handlr'",
      'Learn more about configuration validation here: http://slss.io/configuration-validation',
    ].join('\n');

    // Act
    const kept = filtered(output);

    // Assess
    expect(kept).toHaveLength(3);
  });
});
