// Points this test file at the local stack started by the e2e tier's global setup.
Object.assign(process.env, JSON.parse(process.env.E2E_ENV || '{}'));
