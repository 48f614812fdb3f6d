/**
 * Reads the CloudFormation template `serverless deploy` would submit and fails when a function's
 * role grants anything beyond what that function's code uses (or lacks something it uses).
 * The need of every consumer, forwarder and sweeper is computed from the saga's declaration
 * (lib/services/saga.ts); only the HTTP API's and the watchdog's are listed here.
 */
import { topology } from '../../lib/services/saga';
import { packagedFunctions, packagedStage, packagedTemplate, type Template } from '../steps/template';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

const consumerPlumbing = (inbox: string) => [`dynamodb:PutItem ${inbox}`, `dynamodb:UpdateItem ${inbox}`, 'dynamodb:PutItem DeadLetterTable', 'sqs:SendMessage ConsumerFailureQueue'];
const forwarder = (outbox: string) => [
  ...['GetRecords', 'GetShardIterator', 'DescribeStream', 'ListStreams'].map((a) => `dynamodb:${a} ${outbox}/stream`),
  `dynamodb:UpdateItem ${outbox}`,
  'events:PutEvents EventBus',
  'sqs:SendMessage OutboxForwarderFailureQueue',
];
const sweeper = (outbox: string) => [`dynamodb:Query ${outbox}/index/UnpublishedIndex`, `dynamodb:Scan ${outbox}/index/UnpublishedIndex`, `dynamodb:UpdateItem ${outbox}`, 'events:PutEvents EventBus'];
const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const outboxOf = (service: string) => `${capital(service)}OutboxTable`;
const inboxOf = (service: string) => `${capital(service)}InboxTable`;
const OUTBOXES = topology.emitters.map(outboxOf);
const INBOXES = topology.receivers.map(inboxOf);
const SOURCES = topology.emitters.map((s) => topology.sourceOf(s)!);

/**
 * The `source` each publisher may put on the bus (IAM condition `events:source`): a forwarder or
 * sweeper only its own service's, the watchdog's re-drive only the keeper's, replay every owner's.
 * Nobody else publishes.
 */
const publishes: Record<string, string[]> = {
  ...Object.fromEntries(topology.emitters.flatMap((s) => [[`${s}OutboxForwarder`, [topology.sourceOf(s)!]], [`${s}OutboxSweeper`, [topology.sourceOf(s)!]]])),
  sagaWatchdog: [topology.sourceOf(topology.saga.keeper.service)!],
  replayEvents: SOURCES,
};

/**
 * What each consumer needs, computed from the declaration: the access it declares to its own
 * tables, plus the platform's plumbing (its inbox, the dead letters, the failure destination), its
 * outbox if its service owns events, and the repeat of its replies if it compensates.
 */
const consumerNeeds = Object.fromEntries(
  topology.consumerNames.map((consumer) => {
    const declared = topology.saga.consumers[consumer];
    const service = topology.serviceOf(consumer);
    const { emits, repeatsReplies } = topology.plumbingOf(consumer);
    return [
      consumer,
      [
        ...Object.entries(declared.access as Record<string, readonly string[]>).flatMap(([table, actions]) => actions.map((a) => `dynamodb:${a} ${table}`)),
        ...(emits ? [`dynamodb:PutItem ${outboxOf(service)}`] : []),
        ...consumerPlumbing(inboxOf(service)),
        ...(repeatsReplies ? [`dynamodb:Query ${outboxOf(service)}/index/AggregateIndex`, `dynamodb:UpdateItem ${outboxOf(service)}`] : []),
      ],
    ];
  }),
);

/** The functions outside the declaration's consumers: the HTTP API and the keeper's watchdog. */
const needs: Record<string, string[]> = {
  ...consumerNeeds,
  createOrder: ['dynamodb:PutItem OrdersTable', 'dynamodb:PutItem SagaStateTable', 'dynamodb:PutItem OrdersOutboxTable', 'dynamodb:PutItem IdempotencyKeysTable', 'dynamodb:GetItem AccountsTable'],
  getOrder: ['dynamodb:GetItem OrdersTable'],
  // Onboarding: products read and written one at a time (conditional writes); an account opened once.
  loadCatalogue: ['dynamodb:GetItem ProductsTable', 'dynamodb:PutItem ProductsTable', 'dynamodb:UpdateItem ProductsTable'],
  openAccount: ['dynamodb:GetItem AccountsTable', 'dynamodb:PutItem AccountsTable'],
  openAccountOnSignUp: ['dynamodb:GetItem AccountsTable', 'dynamodb:PutItem AccountsTable'],
  getSaga: ['dynamodb:GetItem OrdersTable', 'dynamodb:GetItem SagaStateTable'],
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
    // Delivery watch: the processed markers of the confirmation's consumers.
    ...topology.deliveryConsumers.map((c) => `dynamodb:BatchGetItem ${inboxOf(topology.serviceOf(c))}`),
  ],
  replayEvents: [
    ...OUTBOXES.flatMap((t) => [`dynamodb:GetItem ${t}`, `dynamodb:UpdateItem ${t}`, `dynamodb:Scan ${t}`, `dynamodb:Query ${t}/index/AggregateIndex`]),
    'events:PutEvents EventBus',
  ],
  describeSaga: [
    'dynamodb:GetItem OrdersTable',
    'dynamodb:GetItem SagaStateTable',
    ...OUTBOXES.map((t) => `dynamodb:Query ${t}/index/AggregateIndex`),
    // The full rows (when and how each was published): the index projects only what replay needs.
    ...OUTBOXES.map((t) => `dynamodb:BatchGetItem ${t}`),
    'dynamodb:Query DeadLetterTable/index/AggregateIndex',
    ...INBOXES.map((t) => `dynamodb:BatchGetItem ${t}`),
  ],
  ...Object.fromEntries(topology.emitters.flatMap((s) => [[`${s}OutboxForwarder`, forwarder(outboxOf(s))], [`${s}OutboxSweeper`, sweeper(outboxOf(s))]])),
  // The fallback's clock reads the head of every pending index and starts the sweepers with work;
  // its queue trigger (Lambda's poller, as the function's role) reads and deletes its own ticks.
  outboxSweepClock: [
    ...OUTBOXES.flatMap((t) => [`dynamodb:Query ${t}/index/UnpublishedIndex`, `dynamodb:Scan ${t}/index/UnpublishedIndex`]),
    ...topology.emitters.map((s) => `lambda:InvokeFunction ${capital(s)}OutboxSweeperLambdaFunction`),
    'sqs:SendMessage SweepTickQueue',
    'sqs:ReceiveMessage SweepTickQueue',
    'sqs:DeleteMessage SweepTickQueue',
    'sqs:GetQueueAttributes SweepTickQueue',
  ],
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
