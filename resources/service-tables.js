'use strict';
// Every service's outbox (the services that own events) and inbox (the services that consume),
// derived from the saga's declaration (lib/services/saga.ts): the same tables for every service,
// so each service's own YAML keeps only its business tables.
const capital = (s) => s[0].toUpperCase() + s.slice(1);

/** What every outbox and inbox shares: on demand, rows expiring on `expiresAt`, the stage's deletion protection and policies. */
const table = (name, properties) => ({
  Type: 'AWS::DynamoDB::Table',
  DeletionPolicy: '${param:tableDeletionPolicy}',
  UpdateReplacePolicy: '${param:tableUpdateReplacePolicy}',
  Properties: {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    ...properties,
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    DeletionProtectionEnabled: '${param:deletionProtection}',
  },
});

/** The outbox and inbox tables of a saga's topology for a stage's table prefix. Pure. */
const tablesFor = (topology, { prefix }) => {
  const resources = {};
  for (const service of topology.emitters) {
    resources[`${capital(service)}OutboxTable`] = table(`${prefix}-${service}-outbox`, {
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'pendingShard', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'N' },
        { AttributeName: 'aggregateId', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        // Sparse: only unpublished rows carry pendingShard (p0..p15), so the sweeper never scans.
        // Every index projects only what its reader uses, none of what publishing changes, so
        // marking a row published rewrites no index but the one it leaves (docs/operations.md, "Capacity").
        {
          IndexName: 'UnpublishedIndex',
          KeySchema: [
            { AttributeName: 'pendingShard', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['type', 'aggregateId', 'payload', 'unpublishableReason'] },
        },
        // Replay by order, describeSaga, and a compensation's repeated replies. Replay by type scans
        // the table: an index for it would be one more write on every row.
        {
          IndexName: 'AggregateIndex',
          KeySchema: [
            { AttributeName: 'aggregateId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['type', 'payload'] },
        },
      ],
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: '${param:pointInTimeRecovery}' },
    });
  }
  for (const service of topology.receivers) {
    resources[`${capital(service)}InboxTable`] = table(`${prefix}-${service}-inbox`, {
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
  }
  return resources;
};

module.exports = async ({ resolveVariable }) => tablesFor(require('./declaration').declaration().topology, { prefix: await resolveVariable('self:custom.prefix') });
module.exports.tablesFor = tablesFor;
