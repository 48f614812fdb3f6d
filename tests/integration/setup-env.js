// Points this test file at the DynamoDB Local started by the integration tier's global setup.
Object.assign(process.env, JSON.parse(process.env.INTEGRATION_ENV || '{}'));
