'use strict';
// The stage's EventBridge schema registry: one schema per event type, read from the files
// `npm run contracts` generates from the code's contracts (contracts/events/*.json, JSON Schema
// draft-04, the dialect `JSONSchemaDraft4` accepts). A JavaScript file because CloudFormation wants
// each schema's Content as a string.
const fs = require('node:fs');
const path = require('node:path');

const DIR = path.join(__dirname, '..', 'contracts', 'events');

const logicalId = (type) => `EventSchema${type.split('.').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`;

module.exports = async ({ resolveVariable }) => {
  const prefix = await resolveVariable('self:custom.prefix');
  const schemas = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')));
  const Resources = {
    EventSchemaRegistry: {
      Type: 'AWS::EventSchemas::Registry',
      Properties: { RegistryName: `${prefix}-events`, Description: 'Every event type of the order saga, generated from the code (npm run contracts).' },
    },
  };
  for (const schema of schemas) {
    const type = schema.title;
    const source = schema.properties.source.enum[0];
    Resources[logicalId(type)] = {
      Type: 'AWS::EventSchemas::Schema',
      Properties: {
        RegistryName: { 'Fn::GetAtt': ['EventSchemaRegistry', 'RegistryName'] },
        SchemaName: `${source}@${type}`,
        Type: 'JSONSchemaDraft4',
        Description: schema.description,
        Content: JSON.stringify(schema),
      },
    };
  }
  return { Resources };
};
