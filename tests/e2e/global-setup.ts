/* Starts the whole local stack once for the e2e tier, and the saga explorer the browser test opens. */
import { startExplorer } from '../../local/explorer/server';
import { startTestStack } from '../steps/stack';

// Compensation is checked 2 s after a cancellation here (5 min on AWS), so the re-drive tests run in seconds.
export const E2E_PARAMS = { sweepGraceSeconds: '5', sagaTimeoutSeconds: '60', compensationRedriveDelaySeconds: '2' };

export default async function globalSetup(): Promise<void> {
  const portBase = Number(process.env.E2E_PORT_BASE ?? 3100);
  const stack = await startTestStack({ stage: 'e2e', portBase, params: E2E_PARAMS });
  const explorer = await startExplorer({ port: portBase + 30, stage: 'e2e', lambdaPort: Number(stack.env.LAMBDA_PORT), dynamodbPort: Number(stack.env.DYNAMODB_PORT) }).catch(async (error: Error) => {
    await stack.stop();
    throw error;
  });
  (globalThis as { __STACK__?: { stop: () => Promise<void> } }).__STACK__ = {
    stop: async () => {
      await explorer.close();
      await stack.stop();
    },
  };
  process.env.E2E_ENV = JSON.stringify({ ...stack.env, EXPLORER_URL: explorer.url });
}
