/* Starts the whole local stack once for the e2e tier. */
import { startTestStack } from '../steps/stack';

// Compensation is checked 2 s after a cancellation here (5 min on AWS), so the re-drive tests run in seconds.
export const E2E_PARAMS = { sweepGraceSeconds: '5', sagaTimeoutSeconds: '60', compensationRedriveDelaySeconds: '2' };

export default async function globalSetup(): Promise<void> {
  const stack = await startTestStack({ stage: 'e2e', portBase: Number(process.env.E2E_PORT_BASE ?? 3100), params: E2E_PARAMS });
  (globalThis as { __STACK__?: { stop: () => Promise<void> } }).__STACK__ = stack;
  process.env.E2E_ENV = JSON.stringify(stack.env);
}
