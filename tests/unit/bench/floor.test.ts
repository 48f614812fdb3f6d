import { criticalPath, hopFloor } from '../../../local/harness/bench/floor';
import { saga } from '../../../lib/services/saga';

describe('the floor of one hop', () => {
  it('follows the declaration: the starting event, then each step\'s success to the next step (the last to the keeper)', () => {
    // Assess
    expect(criticalPath(saga)).toEqual([
      { type: 'order.created', consumer: 'reserveStock' },
      { type: 'inventory.reserved', consumer: 'chargePayment' },
      { type: 'payment.succeeded', consumer: 'scheduleShipment' },
      { type: 'shipment.scheduled', consumer: 'advanceSaga' },
    ]);
  });

  it('measures commit → consumer start on the critical path only, and the saga\'s overhead over its hops', () => {
    // Prepare: one saga, each hop 20 ms; advanceSaga also started on inventory.reserved (not on the path).
    const at = (ms: number) => new Date(1_000_000 + ms).toISOString();
    const rows = [
      { id: 'e1', type: 'order.created', createdAt: 1_000_000 },
      { id: 'e2', type: 'inventory.reserved', createdAt: 1_000_050 },
      { id: 'e3', type: 'payment.succeeded', createdAt: 1_000_100 },
      { id: 'e4', type: 'shipment.scheduled', createdAt: 1_000_150 },
    ];
    const markers = [
      { eventId: 'e1', consumer: 'reserveStock', startedAt: at(20) },
      { eventId: 'e2', consumer: 'chargePayment', startedAt: at(70) },
      { eventId: 'e2', consumer: 'advanceSaga', startedAt: at(900) },
      { eventId: 'e3', consumer: 'scheduleShipment', startedAt: at(120) },
      { eventId: 'e4', consumer: 'advanceSaga', startedAt: at(170) },
    ];

    // Act
    const floor = hopFloor({ saga, rows, markers, sagaP50Ms: 200 });

    // Assess
    expect(floor).toMatchObject({ hopMs: 20, hopsPerSaga: 4, overheadMs: 200 - 4 * 20 });
    expect(floor.hop.n).toBe(4);
  });

  it('reports no floor rather than a made-up one when nothing was measured', () => {
    // Act
    const floor = hopFloor({ saga, rows: [], markers: [], sagaP50Ms: 200 });

    // Assess
    expect(floor).toMatchObject({ hopMs: null, overheadMs: null });
  });
});
