import type { ServiceInvariants } from '../../platform/saga/invariants';

/** The keeper's books: every step the saga recorded came through advanceSaga (the platform checks the rest). */
export const ordersInvariants: ServiceInvariants = {
  tables: {},
  effects: {
    advanceSaga: ({ orderId, eventId, snapshot }) =>
      Object.values(snapshot.sagas!.find((s) => s.orderId === orderId)?.steps ?? {}).some((step) => (step as { eventId?: string }).eventId === eventId),
  },
};
