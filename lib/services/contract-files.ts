/**
 * Machine-readable contracts, generated from the code's own (zod) contracts: a JSON Schema per
 * event type (the EventBridge event, its envelope in `detail`) and an OpenAPI 3.1 document of the
 * HTTP API. `npm run contracts` writes them to `contracts/`; tests/unit/contracts.test.ts fails when
 * the committed files are stale; the template registers the event schemas per stage.
 */
import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { contracts, eventTypes, type EventType } from './contracts';
import { envelopeSchema } from '../platform/events/envelope';
import { orderSchema, placeOrderSchema } from './orders/domain/order';
import { sagaStateSchemaOf } from '../platform/saga/state';
import { topology } from './saga';
import { DEFAULT_MAX_BODY_BYTES, PATH_ID } from '../platform/middleware/http';

type JsonSchema = Record<string, unknown>;

const toJsonSchema = (schema: z.ZodTypeAny): JsonSchema => {
  const { $schema: _ignored, ...rest } = zodToJsonSchema(schema, { target: 'jsonSchema7', $refStrategy: 'none' }) as JsonSchema;
  return rest;
};

/**
 * JSON Schema draft-07 keywords rewritten for draft-04, the dialect the EventBridge schema registry
 * accepts (`JSONSchemaDraft4`): `const` becomes a one-value `enum`, numeric `exclusiveMinimum` /
 * `exclusiveMaximum` become `minimum` / `maximum` with the boolean flag.
 */
export const toDraft04 = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(toDraft04);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'const') out.enum = [value];
    else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
    } else out[key] = toDraft04(value);
  }
  return out;
};

/** The schema of one event type as it travels on the bus: owner, detail-type, and the envelope with its data. */
export const eventSchema = (type: EventType): JsonSchema => {
  const contract = contracts[type];
  const envelope = envelopeSchema.extend({ type: z.literal(type), source: z.literal(contract.source), version: z.literal(contract.version), data: contract.data });
  const event = z.object({ source: z.literal(contract.source), 'detail-type': z.literal(type), detail: envelope }).passthrough();
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: type,
    description: `"${type}" (version ${contract.version}), published by ${contract.source}. The envelope is in \`detail\`; consumers deduplicate on \`detail.id\`.`,
    ...(toDraft04(toJsonSchema(event)) as JsonSchema),
  };
};

/** File name of an event type's schema under contracts/events/. */
export const eventSchemaFile = (type: EventType): string => `events/${type}.json`;

// ---- OpenAPI ----

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: JsonSchema) => ({ 'application/json': { schema } });

const errorSchema = z
  .object({
    error: z.string().describe('The error type, e.g. ValidationError, NotFoundError'),
    message: z.string().describe('What is wrong, in words a person reads'),
    details: z.array(z.object({ path: z.string(), message: z.string() }).strict()).optional().describe('One entry per offending field'),
  })
  .strict();

const errorResponse = (description: string) => ({ description, content: jsonContent(ref('Error')) });

/**
 * A refused token. Who answers differs by where the API runs: API Gateway's JWT authorizer on AWS
 * (`{ message }`), serverless offline's locally (`{ statusCode, error, message }`), or the function
 * itself for a token whose subject cannot be a customer (`{ error, message }`): all carry `message`.
 */
const unauthorizedSchema = z
  .object({ message: z.string().describe('Why the token was refused'), error: z.string().optional(), statusCode: z.number().int().optional() })
  .strict();
const unauthorizedResponse = { description: 'No token, or a malformed, expired, wrong-issuer or wrong-audience one', content: jsonContent(ref('Unauthorized')) };

/**
 * Applied to every operation. Authentication and client retries are one edit each here: a scheme
 * in `securitySchemes` plus `security: [{ bearerAuth: [] }]`, and a header in `commonHeaders` (e.g.
 * `{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } }`).
 */
const securitySchemes: Record<string, JsonSchema> = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "The customer's token (Cognito, or the issuer set by the jwtIssuer/jwtAudience params); the customer is its subject",
  },
};
const security: Record<string, string[]>[] = [{ bearerAuth: [] }];
const commonHeaders: JsonSchema[] = [];

const idempotencyKeyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes a retry safe: the same key and body answer the same order (for 24 hours), a different body is refused with 422',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const orderIdParameter = {
  name: 'orderId',
  in: 'path',
  required: true,
  description: 'The order id returned by POST /orders',
  schema: { type: 'string', pattern: PATH_ID.source },
};

interface Operation {
  method: 'get' | 'post';
  path: string;
  operationId: string;
  summary: string;
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
}

const operations: Operation[] = [
  {
    method: 'post',
    path: '/orders',
    operationId: 'createOrder',
    summary: 'Place an order for the authenticated customer: answered at once with the PENDING order; the saga runs behind it',
    parameters: [idempotencyKeyHeader],
    requestBody: { required: true, content: jsonContent(ref('PlaceOrderRequest')) },
    responses: {
      '201': {
        description: 'The order, PENDING; it becomes CONFIRMED or CANCELLED as the saga runs. A retry with the same Idempotency-Key answers the same order, with Idempotent-Replayed: true',
        headers: {
          Location: { description: 'The order resource', schema: { type: 'string' } },
          'Idempotent-Replayed': { description: 'true when this answers an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
        },
        content: jsonContent(ref('Order')),
      },
      '400': errorResponse('The body is empty, malformed or breaks the contract, or the Idempotency-Key is malformed; nothing was written'),
      '401': unauthorizedResponse,
      '403': errorResponse("The body names another customer than the token's"),
      '422': errorResponse('The Idempotency-Key was used with a different request'),
      '413': errorResponse(`The body is larger than ${DEFAULT_MAX_BODY_BYTES} bytes`),
      '415': errorResponse('The body is not JSON'),
      '500': errorResponse('Our failure; it leaks nothing'),
    },
  },
  {
    method: 'get',
    path: '/orders/{orderId}',
    operationId: 'getOrder',
    summary: 'The order and its status',
    parameters: [orderIdParameter],
    responses: {
      '200': { description: 'The order', content: jsonContent(ref('Order')) },
      '400': errorResponse('The order id is malformed'),
      '401': unauthorizedResponse,
      '404': errorResponse("No such order (another customer's order answers exactly the same)"),
      '500': errorResponse('Our failure; it leaks nothing'),
    },
  },
  {
    method: 'get',
    path: '/orders/{orderId}/saga',
    operationId: 'getSaga',
    summary: "The saga's audit trail: every step with its status, time and cause",
    parameters: [orderIdParameter],
    responses: {
      '200': { description: 'The saga state', content: jsonContent(ref('SagaState')) },
      '400': errorResponse('The order id is malformed'),
      '401': unauthorizedResponse,
      '404': errorResponse("No saga for that order (another customer's order answers exactly the same)"),
      '500': errorResponse('Our failure; it leaks nothing'),
    },
  },
];

export const openApiDocument = (version: string): JsonSchema => {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { method, path, parameters = [], ...operation } of operations) {
    paths[path] ??= {};
    paths[path]![method] = {
      ...operation,
      ...(parameters.length || commonHeaders.length ? { parameters: [...parameters, ...commonHeaders] } : {}),
      ...(security.length ? { security } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Order saga HTTP API',
      version,
      description: 'Generated from the code (npm run contracts). Money is in integer cents. Errors are JSON: { error, message, details? }.',
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'npm start' }],
    paths,
    components: {
      schemas: {
        PlaceOrderRequest: toJsonSchema(placeOrderSchema),
        Order: toJsonSchema(orderSchema),
        SagaState: toJsonSchema(sagaStateSchemaOf(topology)),
        Error: toJsonSchema(errorSchema),
        Unauthorized: toJsonSchema(unauthorizedSchema),
      },
      ...(Object.keys(securitySchemes).length ? { securitySchemes } : {}),
    },
  };
};

/** Every generated file: path under contracts/ → content, exactly as committed. */
export const contractFiles = (version: string): Record<string, string> => {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'openapi.json': json(openApiDocument(version)),
    ...Object.fromEntries(eventTypes.map((type) => [eventSchemaFile(type), json(eventSchema(type))])),
  };
};
