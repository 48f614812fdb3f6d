import { logger } from '../../../platform/observability';
import type { Clock } from '../../../platform/ports';
import { newAccount, parseOpenAccount } from '../domain/account';
import type { AccountsStore } from '../ports';

export interface OpenAccountDeps {
  accounts: AccountsStore;
  clock: Clock;
  defaultCountry: string;
}

/**
 * Onboarding a customer: their payment account, opened once. Again → the existing account,
 * unchanged (`opened: false`).
 */
export const openAccount = async (input: unknown, deps: OpenAccountDeps) => {
  const request = parseOpenAccount(input, { country: deps.defaultCountry });
  const outcome = await deps.accounts.openOnce(newAccount(request, deps.clock()));
  logger.info(outcome.opened ? 'Account opened' : 'Account already open; left unchanged', { customerId: request.customerId });
  return outcome;
};

/** The parts of Cognito's post-confirmation event this reads (the event is handed back as it came). */
export interface SignUpConfirmed {
  triggerSource?: string;
  request?: { userAttributes?: Record<string, string | undefined> };
}

/**
 * A customer who signed up alone and confirmed: their account, with the stage's opening credit.
 * The customer id is the user's `sub`, which is also their tokens' subject. A confirmed password
 * reset fires the same trigger and opens nothing.
 */
export const openAccountOnSignUp = async (event: SignUpConfirmed, deps: OpenAccountDeps & { openingCredit: number }) => {
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return { opened: false, skipped: event.triggerSource ?? 'unknown trigger' };
  return openAccount({ customerId: event.request?.userAttributes?.sub, credit: deps.openingCredit }, deps);
};
