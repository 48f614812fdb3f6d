/**
 * Onboarding a stage: the catalogue file (validated whole; the load is a plan per product that
 * never takes back what orders hold) and opening a customer's account.
 */
import { parseCatalogue, planLoad, type CatalogueEntry } from '../../../lib/services/inventory/domain/catalogue';
import { parseOpenAccount } from '../../../lib/services/payments/domain/account';
import { openAccountOnSignUp } from '../../../lib/services/payments/use-cases/open-account';
import { ValidationError } from '../../../lib/platform/errors';

const entry = (over: Partial<CatalogueEntry> = {}): CatalogueEntry => ({ productId: 'p-1', name: 'Beans', price: 2500, stock: 100, ...over });
const failureOf = (fn: () => unknown): ValidationError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('parseCatalogue', () => {
  it('accepts a well-formed file', () => {
    // Act & Assess
    expect(parseCatalogue({ products: [entry(), entry({ productId: 'p-2', stock: 0 })] })).toHaveLength(2);
  });

  it('names every bad entry (position and productId) with each bad field, in one error', () => {
    // Act
    const error = failureOf(() => parseCatalogue({ products: [entry(), { productId: 'p-2', name: 'X', price: 1.5, stock: -1 }, { name: 'no id', price: 1, stock: 1, colour: 'red' }, 'not an object', entry()] }));
    // Assess
    expect(error.details).toEqual(
      expect.arrayContaining([
        { path: 'products.1 (p-2).price', message: 'must be a whole number of cents' },
        { path: 'products.1 (p-2).stock', message: 'must not be negative' },
        { path: 'products.2.productId', message: 'is required' },
        expect.objectContaining({ path: 'products.2' }),
        expect.objectContaining({ path: 'products.3' }),
        { path: 'products.4 (p-1).productId', message: 'is listed twice (also products.0)' },
      ]),
    );
    expect(error.message).toMatch(/nothing written/);
  });

  it('refuses a file that is not a catalogue at all', () => {
    // Act & Assess
    expect(failureOf(() => parseCatalogue([entry()])).message).toMatch(/Invalid catalogue/);
    expect(failureOf(() => parseCatalogue({ products: [] })).details).toEqual([{ path: 'products', message: 'must list at least one product' }]);
    expect(failureOf(() => parseCatalogue(undefined)).details).toEqual([{ path: 'products', message: 'is required' }]);
  });
});

describe('planLoad', () => {
  it('creates a new product with the figure as its stock', () => {
    // Act & Assess
    expect(planLoad(entry(), undefined)).toEqual({ outcome: 'created', product: { productId: 'p-1', name: 'Beans', price: 2500, stock: 100, stockLoaded: 100, shards: 1 }, stock: { mode: 'set', values: [100] }, keptForOrders: 0 });
  });

  it('changes nothing when the same file is loaded again, even after orders took stock', () => {
    // Act & Assess
    expect(planLoad(entry(), { productId: 'p-1', name: 'Beans', price: 2500, stock: 93, shards: [93], stockLoaded: 100 })).toMatchObject({ outcome: 'unchanged', product: { stock: 93 } });
  });

  it('adds a higher figure as a delivery, on top of what orders left', () => {
    // Act & Assess
    expect(planLoad(entry({ stock: 150 }), { productId: 'p-1', name: 'Beans', price: 2500, stock: 93, shards: [93], stockLoaded: 100 })).toMatchObject({ outcome: 'restocked', product: { stock: 143, stockLoaded: 150 } });
  });

  it('takes a lower figure away, but never the units orders hold', () => {
    // Act
    const within = planLoad(entry({ stock: 95 }), { productId: 'p-1', name: 'Beans', price: 2500, stock: 93, shards: [93], stockLoaded: 100 });
    const beyond = planLoad(entry({ stock: 0 }), { productId: 'p-1', name: 'Beans', price: 2500, stock: 93, shards: [93], stockLoaded: 100 });
    // Assess: 7 units are reserved; a figure of 0 takes the 93 available and leaves the 7.
    expect(within).toMatchObject({ outcome: 'lowered', product: { stock: 88 }, keptForOrders: 0 });
    expect(beyond).toMatchObject({ outcome: 'lowered', product: { stock: 0, stockLoaded: 0 }, keptForOrders: 7 });
  });

  it('updates name and price, and lets a product stocked before the catalogue adopt the figure with its stock as it is', () => {
    // Act & Assess
    expect(planLoad(entry({ price: 2600 }), { productId: 'p-1', name: 'Beans', price: 2500, stock: 93, shards: [93], stockLoaded: 100 })).toMatchObject({ outcome: 'updated', product: { price: 2600, stock: 93 } });
    expect(planLoad(entry(), { productId: 'p-1', name: 'Beans', price: 2500, stock: 42, shards: [42] })).toMatchObject({ outcome: 'updated', product: { stock: 42, stockLoaded: 100 } });
  });
});

describe('opening an account', () => {
  it('defaults the credit to 0 and the country to the stage default, and names each bad field', () => {
    // Act & Assess
    expect(parseOpenAccount({ customerId: 'c-1' }, { country: 'DE' })).toEqual({ customerId: 'c-1', credit: 0, country: 'DE' });
    expect(parseOpenAccount({ customerId: 'c-1', credit: 500, country: 'FR' }, { country: 'DE' })).toEqual({ customerId: 'c-1', credit: 500, country: 'FR' });
    const error = failureOf(() => parseOpenAccount({ customerId: 'bad id', credit: -5, country: 'de', extra: 1 }, { country: 'DE' }));
    expect(error.details.map((d) => d.path).sort()).toEqual(['(request)', 'country', 'credit', 'customerId']);
  });

  it("opens a signed-up customer's account with the stage's opening credit, and nothing on a password reset", async () => {
    // Prepare
    const openOnce = jest.fn(async (account: { customerId: string; balance: number; country: string; openedAt: string }) => ({ opened: true, account }));
    const deps = { accounts: { openOnce }, clock: () => new Date('2026-12-07T00:00:00Z'), defaultCountry: 'DE', openingCredit: 100_000 };
    // Act
    const signedUp = await openAccountOnSignUp({ triggerSource: 'PostConfirmation_ConfirmSignUp', request: { userAttributes: { sub: 'sub-123', email: 'a@example.com' } } }, deps);
    const reset = await openAccountOnSignUp({ triggerSource: 'PostConfirmation_ConfirmForgotPassword', request: { userAttributes: { sub: 'sub-123' } } }, deps);
    // Assess
    expect(signedUp).toMatchObject({ opened: true, account: { customerId: 'sub-123', balance: 100_000, country: 'DE' } });
    expect(reset).toEqual({ opened: false, skipped: 'PostConfirmation_ConfirmForgotPassword' });
    expect(openOnce).toHaveBeenCalledTimes(1);
  });
});
