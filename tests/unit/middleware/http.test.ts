import { ConflictError, ForbiddenError, IdempotencyKeyReusedError, NotFoundError, ValidationError } from '../../../lib/platform/errors';
import { authenticatedCustomer, DEFAULT_MAX_BODY_BYTES, httpHandler, json, type HttpEvent, type HttpResult } from '../../../lib/platform/middleware/http';
import { aLambdaContext, anHttpApiEvent } from '../../steps/given';

/** A handler that answers 201 with the body it was given, after the JSON body middleware. */
const echo = httpHandler(async (event) => json(201, { got: event.body }), { body: true });
/** A handler that fails the way `fail` says. */
const failing = (fail: () => never) =>
  httpHandler(
    async () => {
      fail();
    },
    { body: true },
  );

const invoke = (handler: (event: HttpEvent, context: ReturnType<typeof aLambdaContext>) => Promise<HttpResult>, event: HttpEvent) =>
  handler(event, aLambdaContext());

const bodyOf = (result: HttpResult): Record<string, unknown> => JSON.parse(result.body!) as Record<string, unknown>;

/** A JSON document of exactly `bytes` UTF-8 bytes. */
const jsonOfSize = (bytes: number): string => {
  const frame = '{"pad":""}';
  return `{"pad":"${'x'.repeat(bytes - frame.length)}"}`;
};

const thenJsonError = (result: HttpResult, statusCode: number, error: string): Record<string, unknown> => {
  expect(result.statusCode).toBe(statusCode);
  expect(result.headers?.['Content-Type']).toBe('application/json');
  const body = bodyOf(result);
  expect(body.error).toBe(error);
  expect(typeof body.message).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
  return body;
};

describe('httpHandler', () => {
  it('hands the parsed JSON body to the handler', async () => {
    // Prepare
    const body = { customerId: 'customer-123', items: [{ productId: 'product-1', quantity: 2 }] };
    const event = anHttpApiEvent({ body: JSON.stringify(body) });

    // Act
    const result = await invoke(echo, event);

    // Assess
    expect(result.statusCode).toBe(201);
    expect(result.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(bodyOf(result)).toEqual({ got: body });
  });

  it.each(['application/json; charset=utf-8', 'APPLICATION/JSON', 'application/merge-patch+json'])('accepts Content-Type %s', async (contentType) => {
    // Prepare
    const event = anHttpApiEvent({ body: '{"a":1}', headers: { 'content-type': contentType } });

    // Act
    const result = await invoke(echo, event);

    // Assess
    expect(result.statusCode).toBe(201);
    expect(bodyOf(result)).toEqual({ got: { a: 1 } });
  });

  it('reads the Content-Type header whatever its case', async () => {
    // Prepare
    const event = anHttpApiEvent({ body: '{"a":1}', headers: { 'CONTENT-TYPE': 'text/plain' } });

    // Act
    const result = await invoke(echo, event);

    // Assess
    thenJsonError(result, 415, 'UnsupportedMediaTypeError');
  });

  it('decodes a base64-encoded body', async () => {
    // Prepare
    const event = anHttpApiEvent({ body: Buffer.from('{"a":"é"}').toString('base64'), isBase64Encoded: true });

    // Act
    const result = await invoke(echo, event);

    // Assess
    expect(result.statusCode).toBe(201);
    expect(bodyOf(result)).toEqual({ got: { a: 'é' } });
  });

  it('refuses malformed JSON with a 400 that says so', async () => {
    // Prepare
    const event = anHttpApiEvent({ body: '{"customerId": "customer-123",' });

    // Act
    const result = await invoke(echo, event);

    // Assess
    const body = thenJsonError(result, 400, 'ValidationError');
    expect(body.message).toMatch(/^Malformed JSON/);
  });

  it.each([
    ['an empty body', ''],
    ['a blank body', '  \n '],
    ['no body', undefined],
  ])('refuses %s with a 400', async (_name, raw) => {
    // Prepare
    const event = anHttpApiEvent({ body: raw });

    // Act
    const result = await invoke(echo, event);

    // Assess
    const body = thenJsonError(result, 400, 'ValidationError');
    expect(body.message).toBe('Request body is empty: expected a JSON object');
  });

  it(`accepts a body of exactly ${DEFAULT_MAX_BODY_BYTES} bytes`, async () => {
    // Prepare
    const raw = jsonOfSize(DEFAULT_MAX_BODY_BYTES);
    const event = anHttpApiEvent({ body: raw });

    // Act
    const result = await invoke(echo, event);

    // Assess
    expect(Buffer.byteLength(raw)).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(result.statusCode).toBe(201);
  });

  it(`refuses a body over ${DEFAULT_MAX_BODY_BYTES} bytes with a 413`, async () => {
    // Prepare
    const event = anHttpApiEvent({ body: jsonOfSize(DEFAULT_MAX_BODY_BYTES + 1) });

    // Act
    const result = await invoke(echo, event);

    // Assess
    const body = thenJsonError(result, 413, 'PayloadTooLargeError');
    expect(body.message).toContain(String(DEFAULT_MAX_BODY_BYTES));
  });

  it('counts the limit in UTF-8 bytes, not characters', async () => {
    // Prepare: about 8 K characters of 2 bytes each, so over the limit in bytes only.
    const raw = `{"pad":"${'é'.repeat(DEFAULT_MAX_BODY_BYTES / 2)}"}`;
    const event = anHttpApiEvent({ body: raw });

    // Act
    const result = await invoke(echo, event);

    // Assess
    expect(raw.length).toBeLessThan(DEFAULT_MAX_BODY_BYTES);
    thenJsonError(result, 413, 'PayloadTooLargeError');
  });

  it('honours a custom body limit', async () => {
    // Prepare
    const handler = httpHandler(async () => json(200, {}), { body: true, maxBodyBytes: 32 });
    const event = anHttpApiEvent({ body: jsonOfSize(33) });

    // Act
    const result = await invoke(handler, event);

    // Assess
    thenJsonError(result, 413, 'PayloadTooLargeError');
  });

  it('refuses a text/plain body with a 415', async () => {
    // Prepare
    const event = anHttpApiEvent({ body: '{"a":1}', headers: { 'Content-Type': 'text/plain' } });

    // Act
    const result = await invoke(echo, event);

    // Assess
    const body = thenJsonError(result, 415, 'UnsupportedMediaTypeError');
    expect(body.message).toContain('text/plain');
  });

  it('checks the media type before the size', async () => {
    // Prepare
    const event = anHttpApiEvent({ body: 'x'.repeat(DEFAULT_MAX_BODY_BYTES + 1), headers: { 'Content-Type': 'text/plain' } });

    // Act
    const result = await invoke(echo, event);

    // Assess
    thenJsonError(result, 415, 'UnsupportedMediaTypeError');
  });

  it('maps a NotFoundError from the handler to a 404', async () => {
    // Prepare
    const handler = failing(() => {
      throw new NotFoundError('Order', 'order-1');
    });

    // Act
    const result = await invoke(handler, anHttpApiEvent({ body: '{}' }));

    // Assess
    const body = thenJsonError(result, 404, 'NotFoundError');
    expect(body).toEqual({ error: 'NotFoundError', message: 'Order order-1 not found' });
  });

  it('maps a ConflictError from the handler to a 409', async () => {
    // Prepare
    const handler = failing(() => {
      throw new ConflictError('Order order-1 changed meanwhile');
    });

    // Act
    const result = await invoke(handler, anHttpApiEvent({ body: '{}' }));

    // Assess
    thenJsonError(result, 409, 'ConflictError');
  });

  it('passes the details of a ValidationError on to the client', async () => {
    // Prepare
    const details = [{ path: 'items.0.quantity', message: 'must be greater than 0' }];
    const handler = failing(() => {
      throw new ValidationError('Invalid order', details);
    });

    // Act
    const result = await invoke(handler, anHttpApiEvent({ body: '{}' }));

    // Assess
    const body = thenJsonError(result, 400, 'ValidationError');
    expect(body).toEqual({ error: 'ValidationError', message: 'Invalid order', details });
  });

  it('answers an unexpected error with a generic 500 that leaks nothing', async () => {
    // Prepare
    const handler = failing(() => {
      throw new Error('connect ECONNREFUSED 10.0.0.12:8000 (table orders-prod)');
    });

    // Act
    const result = await invoke(handler, anHttpApiEvent({ body: '{}' }));

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.headers?.['Content-Type']).toBe('application/json');
    expect(result.body).toBe('{"error":"InternalError","message":"Internal server error"}');
    expect(result.body).not.toContain('ECONNREFUSED');
    expect(result.body).not.toMatch(/\bat\b.*:\d+/);
  });

  it('answers an error that claims a 5xx status with the same generic 500', async () => {
    // Prepare
    const handler = failing(() => {
      throw Object.assign(new Error('upstream detail'), { statusCode: 503 });
    });

    // Act
    const result = await invoke(handler, anHttpApiEvent({ body: '{}' }));

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.headers?.['Content-Type']).toBe('application/json');
    expect(result.body).toBe('{"error":"InternalError","message":"Internal server error"}');
  });

  it('leaves the body alone when the route takes none', async () => {
    // Prepare
    const handler = httpHandler(async (event) => json(200, { bodyType: typeof event.body }));
    const event = anHttpApiEvent({ method: 'GET', path: '/orders/order-1', headers: {} });

    // Act
    const result = await invoke(handler, event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ bodyType: 'undefined' });
  });
});

describe('authenticatedCustomer: the customer is the token’s subject', () => {
  const withClaims = (claims: Record<string, unknown> | undefined): HttpEvent => {
    const event = anHttpApiEvent();
    return { ...event, requestContext: { ...event.requestContext, authorizer: claims ? { jwt: { claims } } : undefined } };
  };
  const whoAmI = httpHandler(async (event) => json(200, { customerId: authenticatedCustomer(event) }));

  it('answers with the subject of the claims the JWT authorizer passed on', async () => {
    // Act
    const result = await invoke(whoAmI, withClaims({ sub: 'customer-123', iss: 'https://issuer', aud: 'app' }));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ customerId: 'customer-123' });
  });

  it.each([
    ['no authorizer context', undefined],
    ['claims without a subject', { iss: 'https://issuer' }],
    ['a subject that cannot be a customer id', { sub: 'customer 123; drop' }],
    ['a subject longer than a customer id', { sub: 'c'.repeat(65) }],
  ])('answers 401 with a JSON error for %s', async (_name, claims) => {
    // Act
    const result = await invoke(whoAmI, withClaims(claims));

    // Assess
    thenJsonError(result, 401, 'UnauthorizedError');
  });
});

describe('error mapping of the trust boundary', () => {
  it.each([
    [new ForbiddenError('not yours'), 403, 'ForbiddenError'],
    [new IdempotencyKeyReusedError('k-1'), 422, 'IdempotencyKeyReusedError'],
  ])('maps %s to %i with a JSON body', async (error, status, name) => {
    // Act
    const result = await invoke(
      failing(() => {
        throw error;
      }),
      anHttpApiEvent({ body: '{}' }),
    );

    // Assess
    thenJsonError(result, status, name);
  });
});
