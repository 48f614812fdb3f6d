// Real DynamoDB Local: generous, since a slow machine is not a failure. Timing is measured in benchmarks.
jest.setTimeout(60_000);
