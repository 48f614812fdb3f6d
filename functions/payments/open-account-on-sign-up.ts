import { eventHandler } from '../../lib/platform/middleware/event';
import { openAccountOnSignUp, type SignUpConfirmed } from '../../lib/services/payments/use-cases/open-account';
import { signUpDeps } from '../../lib/services/payments/wiring';

const deps = signUpDeps();

/** Cognito's post-confirmation trigger: Cognito expects its event back. */
export const handler = eventHandler(async (event: SignUpConfirmed) => {
  await openAccountOnSignUp(event, deps);
  return event;
});
