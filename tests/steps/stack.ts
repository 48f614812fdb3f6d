import path from 'node:path';
import { startStack } from '../../local/emulator/stack';
import { resolvedResources } from '../../local/emulator/resolved-resources';
import { readAuthSettings } from '../../local/emulator/auth';

export interface TestStack {
  baseUrl: string;
  /** Environment that points a test file at this stack (table names, endpoints, credentials). */
  env: Record<string, string>;
  stop: () => Promise<void>;
}

/**
 * The real local stack (DynamoDB Local + `serverless offline` with the streams and EventBridge
 * emulators) on its own block of ports, so tests never collide with a running `npm start`.
 */
export const startTestStack = async (opts: {
  stage: string;
  portBase: number;
  params?: Record<string, string>;
  demoData?: boolean;
  /** Where the functions reach DynamoDB (a fault proxy in front of it); DynamoDB Local itself by default. */
  functionsDynamodbPort?: number;
}): Promise<TestStack> => {
  const p = opts.portBase;
  const ports = {
    HTTP_PORT: String(p),
    LAMBDA_PORT: String(p + 2),
    EVENTBRIDGE_PORT: String(p + 10),
    EVENTBRIDGE_PUBSUB_PORT: String(p + 11),
    DYNAMODB_PORT: String(p + 20),
    ...(opts.functionsDynamodbPort ? { FUNCTIONS_DYNAMODB_PORT: String(opts.functionsDynamodbPort) } : {}),
  };
  const [stack, resources] = await Promise.all([
    startStack({
      env: ports,
      stage: opts.stage,
      params: opts.params ?? {},
      demoData: opts.demoData ?? true,
      logFile: path.join(__dirname, '..', '..', '.local-data', `${opts.stage}-stack.log`),
      log: () => {},
    }),
    Promise.resolve().then(() => resolvedResources(opts.stage)),
  ]);
  const tables = Object.fromEntries(
    Object.entries(resources as Record<string, { Type: string; Properties: { TableName?: string } }>)
      .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')
      .map(([id, r]) => [id, r.Properties.TableName!]),
  );
  // What the running stack's JWT authorizer accepts (it recorded it when it started): `tokenFor` mints for it.
  const auth = readAuthSettings(opts.stage) as { issuer: string; audience: string[] };
  return {
    baseUrl: stack.baseUrl,
    stop: stack.stop,
    env: {
      JWT_ISSUER: auth.issuer,
      JWT_AUDIENCE: auth.audience[0]!,
      BASE_URL: stack.baseUrl,
      ...ports,
      LAMBDA_URL: `http://127.0.0.1:${ports.LAMBDA_PORT}`,
      E2E_BUS_NAME: `order-saga-${opts.stage}-bus`,
      E2E_SERVICE_PREFIX: `order-saga-${opts.stage}`,
      TEST_TABLES: JSON.stringify(tables),
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ports.DYNAMODB_PORT}`,
      AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${ports.EVENTBRIDGE_PORT}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  };
};
