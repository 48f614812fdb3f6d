/**
 * Lambda's Invoke with InvocationType Event on the local stack (local/emulator/invoke-route.js):
 * serverless offline runs the handler without awaiting it, so one that failed took the whole stack
 * down with an unhandled rejection. The route hands those events to the local asynchronous invoker.
 */
import fs from 'node:fs';
import { routeEventInvocations, invocationsControllerPath } from '../../../local/emulator/invoke-route';

class FakeController {
  calls: unknown[][] = [];
  async invoke(...args: unknown[]) {
    this.calls.push(args);
    return { Payload: 'offline', StatusCode: 200 };
  }
}

describe('routeEventInvocations', () => {
  const known = new Map([['order-saga-dev-ordersOutboxSweeper', 'ordersOutboxSweeper']]);

  it('hands an Event invocation of a known function to the asynchronous invoker and answers 202', async () => {
    // Prepare
    const taken: [string, unknown][] = [];
    const undo = routeEventInvocations(FakeController, { keyOf: (n: string) => known.get(n), invokeAsync: (key: string, event: unknown) => void taken.push([key, event]) });
    const controller = new FakeController();
    try {
      // Act
      const answer = await controller.invoke('order-saga-dev-ordersOutboxSweeper', 'Event', { tick: 1 }, undefined);
      // Assess
      expect(answer).toEqual({ Payload: '', StatusCode: 202 });
      expect(taken).toEqual([['ordersOutboxSweeper', { tick: 1 }]]);
      expect(controller.calls).toEqual([]);
    } finally {
      undo();
    }
  });

  it('leaves a RequestResponse invocation, and an unknown function, to serverless offline', async () => {
    // Prepare
    const taken: unknown[] = [];
    const undo = routeEventInvocations(FakeController, { keyOf: (n: string) => known.get(n), invokeAsync: (key: string) => void taken.push(key) });
    const controller = new FakeController();
    try {
      // Act
      const sync = await controller.invoke('order-saga-dev-ordersOutboxSweeper', 'RequestResponse', {}, undefined);
      const unknown = await controller.invoke('order-saga-dev-nothing', 'Event', {}, undefined);
      // Assess
      expect([sync, unknown]).toEqual([{ Payload: 'offline', StatusCode: 200 }, { Payload: 'offline', StatusCode: 200 }]);
      expect(taken).toEqual([]);
      expect(controller.calls).toHaveLength(2);
    } finally {
      undo();
    }
  });

  it("finds serverless offline's controller, the class its Lambda server routes Invoke to (an upgrade that moves it fails here)", () => {
    // Act
    const source = fs.readFileSync(invocationsControllerPath(), 'utf8');
    // Assess: the default export is the class, and it still starts an Event invocation unawaited.
    expect(source).toMatch(/export default class InvocationsController/);
    expect(source).toMatch(/async invoke\(functionName, invocationType, event, clientContext\)/);
  });
});
