import { z } from 'zod';
import { ValidationError } from '../../../platform/errors';
import { identifierSchema, issueDetails, summarise } from '../../../platform/validation';
import { country, money } from '../../schemas';

/** A customer's payment account. `country` is where their orders ship when an order names none. */
export interface OpenedAccount {
  customerId: string;
  balance: number;
  country: string;
  openedAt: string;
}

/** Cents a new account may start with: an operator's typo of a few zeros is refused. */
export const MAX_OPENING_CREDIT = 100_000_000_00;

const openAccountSchema = z
  .object({
    customerId: identifierSchema,
    credit: money.max(MAX_OPENING_CREDIT, `must be at most ${MAX_OPENING_CREDIT}`).optional(),
    country: country.optional(),
  })
  .strict();

export interface OpenAccountRequest {
  customerId: string;
  credit: number;
  country: string;
}

/** `{ customerId, credit?, country? }`: credit defaults to 0 and the country to the stage's. */
export const parseOpenAccount = (input: unknown, defaults: { country: string }): OpenAccountRequest => {
  const parsed = openAccountSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const details = issueDetails(parsed.error.issues, { fallback: '(request)' });
    throw new ValidationError(`Invalid openAccount request: ${summarise(details)}`, details);
  }
  return { customerId: parsed.data.customerId, credit: parsed.data.credit ?? 0, country: parsed.data.country ?? defaults.country };
};

export const newAccount = (request: OpenAccountRequest, now: Date): OpenedAccount => ({
  customerId: request.customerId,
  balance: request.credit,
  country: request.country,
  openedAt: now.toISOString(),
});
