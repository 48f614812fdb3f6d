import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedEntry {
  EventBusName?: string;
  Source: string;
  DetailType: string;
  Detail: string;
}

/**
 * A PutEvents endpoint on 127.0.0.1 that records what it receives, so integration tests drive the
 * real SDK client and publisher over HTTP. `failNext(n)` refuses the next n entries the way
 * EventBridge does: in the response, with `FailedEntryCount`.
 */
export const startFakeEventBridge = async () => {
  const entries: RecordedEntry[] = [];
  let refuse = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const request = JSON.parse(body || '{}') as { Entries?: RecordedEntry[] };
      const results = (request.Entries ?? []).map((entry, i) => {
        if (refuse > 0) {
          refuse -= 1;
          return { ErrorCode: 'InternalFailure', ErrorMessage: 'refused by test' };
        }
        entries.push(entry);
        return { EventId: `fake-${entries.length}-${i}` };
      });
      res.setHeader('Content-Type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify({ FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    entries,
    envelopes: () => entries.map((e) => JSON.parse(e.Detail) as { id: string; type: string }),
    failNext: (n: number) => {
      refuse = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
