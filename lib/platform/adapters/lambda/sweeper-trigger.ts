import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SweeperTrigger } from '../../relay/ports';

/** Starts a sweeper with an asynchronous invocation that sweeps once: Lambda answers 202 at once. */
export class LambdaSweeperTrigger implements SweeperTrigger {
  constructor(private readonly client: LambdaClient) {}

  async sweep(functionName: string): Promise<void> {
    await this.client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify({ sweeps: 1 })) }));
  }
}
