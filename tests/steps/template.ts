/**
 * The CloudFormation template `serverless deploy` would submit, packaged once by the integration
 * tier's global setup, and readers of what matters in it: functions, their roles, their rules.
 */
import fs from 'node:fs';

export type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
export type Template = { Resources: Record<string, Resource> };

let cached: Template | undefined;
export const packagedTemplate = (): Template => {
  const file = process.env.PACKAGED_TEMPLATE;
  if (!file) throw new Error('PACKAGED_TEMPLATE is not set: run through the integration Jest project');
  return (cached ??= JSON.parse(fs.readFileSync(file, 'utf8')) as Template);
};

export const packagedStage = (): string => process.env.PACKAGED_STAGE ?? 'iamtest';

let cachedProd: Template | undefined;
/** The same, packaged for `prod` (its params: retention, protection, reserved concurrency). */
export const packagedProdTemplate = (): Template => {
  const file = process.env.PACKAGED_PROD_TEMPLATE;
  if (!file) throw new Error('PACKAGED_PROD_TEMPLATE is not set: run through the integration Jest project');
  return (cachedProd ??= JSON.parse(fs.readFileSync(file, 'utf8')) as Template);
};

/** Function key (as in serverless.yml) of a Lambda function resource. */
const functionKeyOf = (resource: Resource): string => String(resource.Properties.FunctionName).replace(/^order-saga-[a-z0-9]+-/, '');

/** Every function of the template: its key, its logical id and the logical id of its role. */
export const packagedFunctions = (template = packagedTemplate()) =>
  Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([logicalId, r]) => ({ key: functionKeyOf(r), logicalId, roleId: (r.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0] }));

export interface PackagedRule {
  logicalId: string;
  /** Function keys the rule targets. */
  targets: string[];
  pattern: { source?: string[]; 'detail-type'?: string[] } & Record<string, unknown>;
}

/** Every EventBridge rule of the template that matches events (schedules aside), with the functions it delivers to. */
export const packagedRules = (template = packagedTemplate()): PackagedRule[] => {
  const keyByLogicalId = new Map(packagedFunctions(template).map((f) => [f.logicalId, f.key]));
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern !== undefined)
    .map(([logicalId, r]) => {
      const targets = (r.Properties.Targets as { Arn: unknown }[]).map((t) => {
        const getAtt = (t.Arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
        return (getAtt && keyByLogicalId.get(getAtt[0])) ?? JSON.stringify(t.Arn);
      });
      const raw = r.Properties.EventPattern;
      const pattern = (typeof raw === 'string' ? JSON.parse(raw) : raw) as PackagedRule['pattern'];
      return { logicalId, targets, pattern };
    });
};
