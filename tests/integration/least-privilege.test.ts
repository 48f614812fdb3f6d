/**
 * Reads the CloudFormation template `serverless deploy` would submit and fails when a function's
 * role grants anything beyond what that function's code uses (or lacks something it uses).
 * `needs` is the declaration of record: change it together with the code that needs the access.
 */
import { sources } from '../../lib/services/contracts';
import { packagedFunctions, packagedStage, packagedTemplate, type Template } from '../steps/template';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

const consumerPlumbing = (inbox: string) => [`dynamodb:PutItem ${inbox}`, `dynamodb:UpdateItem ${inbox}`, 'dynamodb:PutItem DeadLetterTable', 'sqs:SendMessage ConsumerFailureQueue'];
const forwarder = (outbox: string) => [
  ...['GetRecords', 'GetShardIterator', 'DescribeStream', 'ListStreams'].map((a) => `dynamodb:${a} ${outbox}/stream`),
  `dynamodb:UpdateItem ${outbox}`,
  'events:PutEvents EventBus',
  'sqs:SendMessage OutboxForwarderFailureQueue',
];
const sweeper = (outbox: string) => [`dynamodb:Query ${outbox}/index/UnpublishedIndex`, `dynamodb:UpdateItem ${outbox}`, 'events:PutEvents EventBus'];
const OUTBOXES = ['OrdersOutboxTable', 'InventoryOutboxTable', 'PaymentsOutboxTable'];

/**
 * The `source` each publisher may put on the bus (IAM condition `events:source`): a forwarder or
 * sweeper only its own service's, the watchdog's re-drive only the orders service's, replay the three
 * it re-publishes. Nobody else publishes.
 */
const publishes: Record<string, string[]> = {
  ordersOutboxForwarder: [sources.orders],
  ordersOutboxSweeper: [sources.orders],
  inventoryOutboxForwarder: [sources.inventory],
  inventoryOutboxSweeper: [sources.inventory],
  paymentsOutboxForwarder: [sources.payments],
  paymentsOutboxSweeper: [sources.payments],
  sagaWatchdog: [sources.orders],
  replayEvents: [sources.orders, sources.inventory, sources.payments],
};

const needs: Record<string, string[]> = {
  createOrder: ['dynamodb:PutItem OrdersTable', 'dynamodb:PutItem SagaStateTable', 'dynamodb:PutItem OrdersOutboxTable', 'dynamodb:PutItem IdempotencyKeysTable'],
  getOrder: ['dynamodb:GetItem OrdersTable'],
  getSaga: ['dynamodb:GetItem OrdersTable', 'dynamodb:Query SagaStateTable/index/OrderIdIndex'],
  advanceSaga: [
    'dynamodb:GetItem OrdersTable',
    'dynamodb:PutItem OrdersTable',
    'dynamodb:ConditionCheckItem OrdersTable',
    'dynamodb:UpdateItem SagaStateTable',
    'dynamodb:PutItem OrdersOutboxTable',
    ...consumerPlumbing('OrdersInboxTable'),
  ],
  sagaWatchdog: [
    'dynamodb:Query SagaStateTable/index/SagaWatchIndex',
    'dynamodb:GetItem OrdersTable',
    'dynamodb:PutItem OrdersTable',
    'dynamodb:GetItem SagaStateTable',
    'dynamodb:UpdateItem SagaStateTable',
    'dynamodb:PutItem OrdersOutboxTable',
    // Compensation and delivery re-drives: read the stored order.cancelled / order.confirmed,
    // re-publish it, mark it published.
    'dynamodb:GetItem OrdersOutboxTable',
    'dynamodb:UpdateItem OrdersOutboxTable',
    'events:PutEvents EventBus',
    // Delivery watch: the processed markers of order.confirmed's consumers (awardPoints).
    'dynamodb:BatchGetItem RewardsInboxTable',
  ],
  replayEvents: [
    ...OUTBOXES.flatMap((t) => [`dynamodb:GetItem ${t}`, `dynamodb:UpdateItem ${t}`, `dynamodb:Query ${t}/index/AggregateIndex`, `dynamodb:Query ${t}/index/TypeIndex`]),
    'events:PutEvents EventBus',
  ],
  describeSaga: [
    'dynamodb:GetItem OrdersTable',
    'dynamodb:Query SagaStateTable/index/OrderIdIndex',
    ...OUTBOXES.map((t) => `dynamodb:Query ${t}/index/AggregateIndex`),
    // The full rows (when and how each was published): the index projects only what replay needs.
    ...OUTBOXES.map((t) => `dynamodb:BatchGetItem ${t}`),
    'dynamodb:Query DeadLetterTable/index/AggregateIndex',
    ...['OrdersInboxTable', 'InventoryInboxTable', 'PaymentsInboxTable', 'RewardsInboxTable'].map((t) => `dynamodb:BatchGetItem ${t}`),
  ],
  reserveStock: [
    'dynamodb:BatchGetItem ProductsTable',
    'dynamodb:UpdateItem ProductsTable',
    'dynamodb:GetItem ReservationsTable',
    'dynamodb:PutItem ReservationsTable',
    'dynamodb:PutItem InventoryOutboxTable',
    ...consumerPlumbing('InventoryInboxTable'),
  ],
  releaseStock: [
    'dynamodb:UpdateItem ProductsTable',
    'dynamodb:GetItem ReservationsTable',
    'dynamodb:PutItem ReservationsTable',
    'dynamodb:PutItem InventoryOutboxTable',
    ...consumerPlumbing('InventoryInboxTable'),
    // A cancellation received again is answered again (lib/relay/replies.ts).
    'dynamodb:Query InventoryOutboxTable/index/AggregateIndex',
    'dynamodb:UpdateItem InventoryOutboxTable',
  ],
  chargePayment: [
    'dynamodb:GetItem AccountsTable',
    'dynamodb:UpdateItem AccountsTable',
    'dynamodb:GetItem PaymentsTable',
    'dynamodb:PutItem PaymentsTable',
    'dynamodb:PutItem PaymentsOutboxTable',
    ...consumerPlumbing('PaymentsInboxTable'),
  ],
  refundPayment: [
    'dynamodb:UpdateItem AccountsTable',
    'dynamodb:GetItem PaymentsTable',
    'dynamodb:PutItem PaymentsTable',
    'dynamodb:PutItem PaymentsOutboxTable',
    ...consumerPlumbing('PaymentsInboxTable'),
    // A cancellation received again is answered again (lib/relay/replies.ts).
    'dynamodb:Query PaymentsOutboxTable/index/AggregateIndex',
    'dynamodb:UpdateItem PaymentsOutboxTable',
  ],
  awardPoints: ['dynamodb:PutItem RewardsTable', 'dynamodb:UpdateItem RewardsTable', ...consumerPlumbing('RewardsInboxTable')],
  ordersOutboxForwarder: forwarder('OrdersOutboxTable'),
  inventoryOutboxForwarder: forwarder('InventoryOutboxTable'),
  paymentsOutboxForwarder: forwarder('PaymentsOutboxTable'),
  ordersOutboxSweeper: sweeper('OrdersOutboxTable'),
  inventoryOutboxSweeper: sweeper('InventoryOutboxTable'),
  paymentsOutboxSweeper: sweeper('PaymentsOutboxTable'),
};

/** A resource as "LogicalId", "LogicalId/stream", "LogicalId/index/Name", or the raw string. */
const resourceName = (resource: unknown): string => {
  if (typeof resource === 'string') return resource;
  const r = resource as Record<string, unknown>;
  if (Array.isArray(r['Fn::GetAtt'])) {
    const [id, attribute] = r['Fn::GetAtt'] as [string, string];
    return attribute === 'Arn' ? id : attribute === 'StreamArn' ? `${id}/stream` : `${id}.${attribute}`;
  }
  const sub = r['Fn::Sub'];
  if (typeof sub === 'string') {
    const match = /^\$\{(\w+)\.Arn\}(.*)$/.exec(sub);
    if (match) return `${match[1]}${match[2]}`;
    return sub;
  }
  return JSON.stringify(resource);
};

describe('least privilege in the packaged template', () => {
  let template: Template;
  const functions = () => packagedFunctions(template);
  const statementsOf = (roleId: string): Statement[] =>
    (template.Resources[roleId]!.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
  const grantsOf = (roleId: string) =>
    statementsOf(roleId).flatMap((s) => [s.Action].flat().flatMap((action) => [s.Resource].flat().map((resource) => ({ action, resource: resourceName(resource) }))));

  beforeAll(() => {
    template = packagedTemplate();
  });

  it('gives every function its own role', () => {
    // Assess
    const roles = functions().map((f) => f.roleId);
    expect(functions().map((f) => f.key).sort()).toEqual(Object.keys(needs).sort());
    expect(new Set(roles).size).toBe(roles.length);
    expect(roles).not.toContain('IamRoleLambdaExecution');
  });

  it('grants each function exactly the data and messaging actions its code uses, on its own resources', () => {
    for (const { key, roleId } of functions()) {
      // Act
      const granted = grantsOf(roleId)
        .filter((g) => !g.action.startsWith('logs:') && !g.action.startsWith('xray:'))
        .map((g) => `${g.action} ${g.resource}`)
        .sort();

      // Assess
      expect({ function: key, granted }).toEqual({ function: key, granted: [...needs[key]!].sort() });
    }
  });

  it('binds every events:PutEvents grant to the sources its function may publish (condition on events:source)', () => {
    for (const { key, roleId } of functions()) {
      // Act
      const grants = statementsOf(roleId).filter((s) => [s.Action].flat().includes('events:PutEvents'));
      const allowed = grants.map((s) => ({
        effect: s.Effect,
        operators: Object.keys(s.Condition ?? {}),
        keys: Object.keys(s.Condition?.StringEquals ?? {}),
        sources: [s.Condition?.StringEquals?.['events:source'] ?? []].flat().sort(),
      }));

      // Assess
      const sources = publishes[key];
      const expected = sources ? [{ effect: 'Allow', operators: ['StringEquals'], keys: ['events:source'], sources: [...sources].sort() }] : [];
      expect({ function: key, allowed }).toEqual({ function: key, allowed: expected });
    }
  });

  it('never grants a data action on a wildcard resource', () => {
    for (const { roleId } of functions()) {
      // Assess
      const wild = grantsOf(roleId).filter((g) => !g.action.startsWith('xray:') && (g.resource === '*' || g.resource.includes(':*:*') === false && g.resource.endsWith('*')));
      expect(wild).toEqual([]);
    }
  });

  it('lets a function write logs only to its own log group, and X-Ray is the only wildcard', () => {
    for (const { key, roleId } of functions()) {
      // Assess
      const grants = grantsOf(roleId);
      for (const g of grants.filter((x) => x.action.startsWith('logs:'))) expect(g.resource).toContain(`log-group:/aws/lambda/order-saga-${packagedStage()}-${key}:`);
      expect(grants.filter((g) => g.resource === '*').map((g) => g.action).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });
});
