/**
 * `npm run customer`: the sequence against AWS (find the stage's pool, create or find the user,
 * open the account with their sub), on fake clients that answer as the SDK's would.
 */
import { onboardCustomer } from '../../../scripts/customer';

type Command = { constructor: { name: string }; input: Record<string, unknown> };

const fakes = (opts: { userExists?: boolean; poolId?: string; functionError?: boolean } = {}) => {
  const calls: { client: string; command: string; input: Record<string, unknown> }[] = [];
  const record = (client: string, command: Command) => calls.push({ client, command: command.constructor.name, input: command.input });
  const clients = {
    cloudFormation: {
      send: async (c: Command) => {
        record('cloudFormation', c);
        return { StackResourceDetail: opts.poolId === '' ? {} : { PhysicalResourceId: opts.poolId ?? 'us-east-1_pool' } };
      },
    },
    cognito: {
      send: async (c: Command) => {
        record('cognito', c);
        if (c.constructor.name === 'AdminCreateUserCommand') {
          if (opts.userExists) throw Object.assign(new Error('exists'), { name: 'UsernameExistsException' });
          return { User: { Attributes: [{ Name: 'sub', Value: 'sub-new' }] } };
        }
        return { UserAttributes: [{ Name: 'email', Value: 'a@example.com' }, { Name: 'sub', Value: 'sub-old' }] };
      },
    },
    lambda: {
      send: async (c: Command) => {
        record('lambda', c);
        const payload = JSON.parse(Buffer.from(c.input.Payload as Uint8Array).toString('utf8')) as { customerId: string; credit?: number };
        if (opts.functionError) return { FunctionError: 'Unhandled', Payload: Buffer.from('{"errorMessage":"boom"}') };
        return { Payload: Buffer.from(JSON.stringify({ opened: !opts.userExists, account: { customerId: payload.customerId, balance: payload.credit ?? 0, country: 'DE' } })) };
      },
    },
  };
  return { clients, calls };
};

describe('npm run customer', () => {
  it("creates the user in the stage's pool and opens their account with their sub", async () => {
    // Prepare
    const { clients, calls } = fakes();
    // Act
    const result = await onboardCustomer({ stage: 'dev', email: 'a@example.com', credit: 5000, country: undefined }, clients);
    // Assess
    expect(result).toEqual({ customerId: 'sub-new', created: true, opened: true, account: { customerId: 'sub-new', balance: 5000, country: 'DE' } });
    expect(calls.map((c) => `${c.client}:${c.command}`)).toEqual(['cloudFormation:DescribeStackResourceCommand', 'cognito:AdminCreateUserCommand', 'lambda:InvokeCommand']);
    expect(calls[0]!.input).toEqual({ StackName: 'order-saga-dev', LogicalResourceId: 'CustomerUserPool' });
    expect(calls[1]!.input).toMatchObject({ UserPoolId: 'us-east-1_pool', Username: 'a@example.com' });
    expect(calls[2]!.input.FunctionName).toBe('order-saga-dev-openAccount');
  });

  it('finds an existing user instead, and reports the account as it was', async () => {
    // Prepare
    const { clients, calls } = fakes({ userExists: true });
    // Act
    const result = await onboardCustomer({ stage: 'prod', email: 'a@example.com', credit: undefined, country: 'FR' }, clients);
    // Assess
    expect(result).toMatchObject({ customerId: 'sub-old', created: false, opened: false });
    expect(calls.map((c) => c.command)).toContain('AdminGetUserCommand');
    expect(JSON.parse(Buffer.from(calls.at(-1)!.input.Payload as Uint8Array).toString('utf8'))).toEqual({ customerId: 'sub-old', country: 'FR' });
  });

  it('says what is wrong when the stage is not deployed or openAccount fails', async () => {
    // Act & Assess
    await expect(onboardCustomer({ stage: 'nope', email: 'a@example.com', credit: 0, country: undefined }, fakes({ poolId: '' }).clients)).rejects.toThrow('deploy the stage first');
    await expect(onboardCustomer({ stage: 'dev', email: 'a@example.com', credit: 0, country: undefined }, fakes({ functionError: true }).clients)).rejects.toThrow(/openAccount failed .*boom/);
  });
});
