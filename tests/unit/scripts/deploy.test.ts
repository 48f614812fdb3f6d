/**
 * `npm run deploy`: a stage's first deploy runs with deletion protection off (a failed create can
 * then roll back: nothing refuses its deletes), and a second deploy turns protection on once the
 * stack exists. An existing stack is deployed once; a stack whose first create failed is named.
 */
import { deployPlan, deployStage, UNPROTECTED } from '../../../scripts/deploy';

const missing = { send: async () => Promise.reject(Object.assign(new Error('Stack with id order-saga-prod does not exist'), { name: 'ValidationError' })) };
const existing = (status: string) => ({ send: async () => ({ Stacks: [{ StackStatus: status }] }) });
const printing = (protectedTables: boolean) => {
  const calls: string[][] = [];
  const run = async (args: string[]) => {
    calls.push(args);
    return args[0] === 'print' ? `Warning: something\n${JSON.stringify({ resources: { Resources: { OrdersTable: { Properties: { DeletionProtectionEnabled: protectedTables } } } } })}` : '';
  };
  return { run, calls };
};

describe('npm run deploy', () => {
  it("deploys a protected stage's first stack unprotected, then protects it", async () => {
    // Prepare
    const { run, calls } = printing(true);
    // Act
    await deployStage({ stage: 'prod', extra: ['--region', 'eu-west-1'] }, { cloudFormation: missing, run, log: () => {} });
    // Assess
    expect(calls).toEqual([
      ['print', '--stage', 'prod', '--format', 'json'],
      ['deploy', '--stage', 'prod', '--region', 'eu-west-1', ...UNPROTECTED],
      ['deploy', '--stage', 'prod', '--region', 'eu-west-1'],
    ]);
  });

  it('deploys once when nothing is protected, or when the stack exists', async () => {
    // Prepare
    const fresh = printing(false);
    const updated = printing(true);
    // Act
    await deployStage({ stage: 'dev', extra: [] }, { cloudFormation: missing, run: fresh.run, log: () => {} });
    await deployStage({ stage: 'prod', extra: [] }, { cloudFormation: existing('UPDATE_COMPLETE'), run: updated.run, log: () => {} });
    // Assess
    expect(fresh.calls.filter((c) => c[0] === 'deploy')).toEqual([['deploy', '--stage', 'dev']]);
    expect(updated.calls).toEqual([['deploy', '--stage', 'prod']]);
  });

  it('names a stack whose first create failed instead of deploying over it', () => {
    // Act & Assess
    expect(() => deployPlan({ stage: 'prod', status: 'ROLLBACK_COMPLETE', protects: true })).toThrow(/first create failed\. Delete it/);
  });
});
