// A whole saga over a real local stack: generous, since a slow machine is not a failure.
jest.setTimeout(120_000);
