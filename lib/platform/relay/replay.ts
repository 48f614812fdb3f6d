import { z } from 'zod';
import type { OutboxRow } from '../adapters/dynamodb/outbox-row';
import { ValidationError } from '../errors';
import type { Contracts } from '../saga/declaration';
import { issueDetails, summarise } from '../validation';
import { logger } from '../observability';
import type { EventPublisher, RelayOutbox } from './ports';
import { publishOutboxRows } from './publish-rows';

export const MAX_REPLAY = 5000;

const replayRequestSchema = (types: readonly string[]) => z
  .object({
    orderId: z.string().min(1).optional(),
    eventId: z.string().uuid().optional(),
    type: z.enum(types as [string, ...string[]]).optional(),
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
    dryRun: z.boolean().default(false),
    limit: z.number().int().positive().max(MAX_REPLAY).default(1000),
  })
  .strict()
  .superRefine((r, ctx) => {
    const selectors = [r.orderId, r.eventId, r.type].filter((x) => x !== undefined).length;
    if (selectors !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of orderId, eventId, or type (with from and to)' });
    if (r.type && (!r.from || !r.to)) ctx.addIssue({ code: 'custom', path: ['from'], message: 'type needs a time window: from and to' });
    if (r.from && r.to && Date.parse(r.from) > Date.parse(r.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

export type ReplayRequest = z.infer<ReturnType<typeof replayRequestSchema>>;

export interface ReplayResult {
  dryRun: boolean;
  matched: number;
  published: number;
  failed: number;
  events: { id: string; type: string; aggregateId: string; createdAt: string }[];
}

export interface ReplayDeps {
  /** The saga's contracts: which types exist, and which source (outbox) owns each. */
  contracts: Contracts;
  outboxes: { source: string; store: Pick<RelayOutbox, 'get' | 'findByAggregate' | 'findByType' | 'markPublished' | 'markUnpublishable'> }[];
  publisher: EventPublisher;
}

export const parseReplayRequest = (input: unknown, contracts: Contracts): ReplayRequest => {
  const parsed = replayRequestSchema(Object.keys(contracts)).safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const details = issueDetails(parsed.error.issues, { fallback: '(request)' });
  throw new ValidationError(`Invalid replay request: ${summarise(details)}`, details);
};

/**
 * Re-publishes stored outbox events, unchanged: same envelope ids, so consumers that applied them
 * skip them and a consumer that never saw them applies them once. Selects by order, by event id,
 * or by type within a time window; `dryRun` only lists what would be published.
 */
export const replayEvents = async (input: unknown, deps: ReplayDeps): Promise<ReplayResult> => {
  const request = parseReplayRequest(input, deps.contracts);
  const matches: { row: OutboxRow; store: ReplayDeps['outboxes'][number]['store'] }[] = [];
  for (const { source, store } of deps.outboxes) {
    let rows: OutboxRow[] = [];
    if (request.orderId) rows = await store.findByAggregate(request.orderId, request.limit);
    else if (request.eventId) rows = [await store.get(request.eventId)].filter((r): r is OutboxRow => r !== undefined);
    else if (request.type && deps.contracts[request.type]!.source === source) {
      rows = await store.findByType(request.type, Date.parse(request.from!), Date.parse(request.to!), request.limit);
    }
    matches.push(...rows.map((row) => ({ row, store })));
  }
  matches.sort((a, b) => a.row.createdAt - b.row.createdAt);
  const selected = matches.slice(0, request.limit);
  const events = selected.map(({ row }) => ({ id: row.id, type: row.type, aggregateId: row.aggregateId, createdAt: new Date(row.createdAt).toISOString() }));

  let published = 0;
  let failed = 0;
  if (!request.dryRun) {
    for (const { store } of deps.outboxes) {
      const rows = selected.filter((m) => m.store === store).map((m) => m.row);
      if (!rows.length) continue;
      const result = await publishOutboxRows(rows, { publisher: deps.publisher, outbox: store, path: 'replay' });
      published += result.published;
      failed += result.failedIds.size;
    }
  }
  logger.info('Replay', { request, matched: selected.length, published, failed });
  return { dryRun: request.dryRun, matched: selected.length, published, failed, events };
};
