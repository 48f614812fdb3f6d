'use strict';
const {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} = require('@aws-sdk/client-dynamodb');

/** The AWS::DynamoDB::Table resources of a resolved CloudFormation `Resources` map. */
const tableResources = (resources) =>
  Object.entries(resources || {}).filter(([, r]) => r && r.Type === 'AWS::DynamoDB::Table');

/** CloudFormation table properties → CreateTable input. Only what DynamoDB Local understands. */
const toCreateTableInput = (properties) => {
  const input = {
    TableName: properties.TableName,
    AttributeDefinitions: properties.AttributeDefinitions,
    KeySchema: properties.KeySchema,
    BillingMode: 'PAY_PER_REQUEST',
  };
  if (properties.GlobalSecondaryIndexes) {
    input.GlobalSecondaryIndexes = properties.GlobalSecondaryIndexes.map(({ IndexName, KeySchema, Projection }) => ({
      IndexName,
      KeySchema,
      Projection,
    }));
  }
  if (properties.StreamSpecification) {
    input.StreamSpecification = { StreamEnabled: true, StreamViewType: properties.StreamSpecification.StreamViewType };
  }
  return input;
};

const tableExists = async (client, name) => {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || error.name === 'ResourceNotFoundException') return false;
    throw error;
  }
};

/**
 * Creates every table declared in the resources that does not exist yet: the same definitions
 * that deploy, so local and AWS cannot drift. Returns the names it created.
 */
const createTables = async (client, resources) => {
  const created = [];
  await Promise.all(
    tableResources(resources).map(async ([logicalId, { Properties: properties }]) => {
      if (typeof properties.TableName !== 'string') throw new Error(`${logicalId} needs a literal TableName to run locally`);
      if (await tableExists(client, properties.TableName)) return;
      await client.send(new CreateTableCommand(toCreateTableInput(properties)));
      const ttl = properties.TimeToLiveSpecification;
      if (ttl && ttl.Enabled) {
        // DynamoDB Local records the setting but never expires items.
        await client.send(
          new UpdateTimeToLiveCommand({ TableName: properties.TableName, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }),
        );
      }
      created.push(properties.TableName);
    }),
  );
  return created;
};

module.exports = { createTables, tableResources, toCreateTableInput };
