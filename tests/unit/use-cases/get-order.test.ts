/**
 * Reading a customer's own order and its saga. The saga is read by the order's `sagaId` (a
 * consistent GetItem), never through an index: an index answers eventually, so a client that was
 * just given the saga's Location could get a 404 or a stale saga.
 */
import { getOrderUseCase, getSagaUseCase } from '../../../lib/services/orders/use-cases/get-order';
import { NotFoundError } from '../../../lib/platform/errors';
import type { OrdersStore } from '../../../lib/services/orders/ports';

const order = { orderId: 'o-1', sagaId: 's-1', customerId: 'customer-123', status: 'PENDING', version: 1 };
const saga = { sagaId: 's-1', orderId: 'o-1', currentStep: 'CREATED', steps: {} };

/** A store that knows only keys: the order by orderId, the saga by sagaId. */
const store = (sagas: Record<string, unknown> = { 's-1': saga }) => {
  const getSaga = jest.fn(async (sagaId: string) => sagas[sagaId]);
  const orders = { getOrder: async (orderId: string) => (orderId === order.orderId ? order : undefined), getSaga } as unknown as OrdersStore;
  return { orders, getSaga };
};

describe('getSagaUseCase', () => {
  it("reads the saga by the order's sagaId", async () => {
    // Prepare
    const { orders, getSaga } = store();
    // Act
    const found = await getSagaUseCase('o-1', 'customer-123', { orders });
    // Assess
    expect(found).toBe(saga);
    expect(getSaga).toHaveBeenCalledWith('s-1');
  });

  it("answers not found for another customer's order without reading its saga, and for a saga that is missing", async () => {
    // Prepare
    const { orders, getSaga } = store();
    const { orders: noSaga } = store({});
    // Act & Assess
    await expect(getSagaUseCase('o-1', 'customer-456', { orders })).rejects.toBeInstanceOf(NotFoundError);
    expect(getSaga).not.toHaveBeenCalled();
    await expect(getOrderUseCase('o-2', 'customer-123', { orders })).rejects.toBeInstanceOf(NotFoundError);
    await expect(getSagaUseCase('o-1', 'customer-123', { orders: noSaga })).rejects.toThrow('Saga for order o-1');
  });
});
