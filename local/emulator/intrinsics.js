'use strict';

const ACCOUNT = '000000000000';

/**
 * Local values of the CloudFormation intrinsics the stack uses in function environments and in the
 * HTTP API's authorizer: `Ref` and `Fn::GetAtt` of tables, the bus, queues, topics and the Cognito
 * user pool and client (their names stand in for the ids AWS would assign; a queue's Ref is its URL
 * on the local SQS when `queueUrl` is given), and `Fn::Sub` over
 * those and the pseudo parameters. Anything else is refused loudly rather than guessed.
 */
const localResolver = ({ resources, region = 'us-east-1', queueUrl }) => {
  const name = (id) => {
    const props = (resources[id] && resources[id].Properties) || {};
    return props.TableName || props.Name || props.QueueName || props.TopicName || props.UserPoolName || props.ClientName;
  };
  const pseudo = { 'AWS::Region': region, 'AWS::AccountId': ACCOUNT, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  const ref = (id) => {
    if (id in pseudo) return pseudo[id];
    const n = name(id);
    if (n === undefined) throw new Error(`local stack: cannot resolve Ref ${id}`);
    // On AWS a queue's Ref is its URL; locally, the local SQS's URL for it when there is one.
    if (queueUrl && resources[id].Type === 'AWS::SQS::Queue') return queueUrl(n);
    return n;
  };
  const getAtt = (id, attr) => {
    const resource = resources[id] || {};
    const n = name(id);
    if (resource.Type === 'AWS::DynamoDB::Table') {
      const arn = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${n}`;
      return attr === 'StreamArn' ? `${arn}/stream/local` : arn;
    }
    if (resource.Type === 'AWS::Events::EventBus') return `arn:aws:events:${region}:${ACCOUNT}:event-bus/${n}`;
    if (resource.Type === 'AWS::SQS::Queue') return `arn:aws:sqs:${region}:${ACCOUNT}:${n}`;
    throw new Error(`local stack: cannot resolve Fn::GetAtt ${id}.${attr}`);
  };
  const resolve = (value) => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(resolve);
    if (value.Ref) return ref(value.Ref);
    if (value['Fn::GetAtt']) {
      const [id, attr] = Array.isArray(value['Fn::GetAtt']) ? value['Fn::GetAtt'] : value['Fn::GetAtt'].split('.');
      return getAtt(id, attr);
    }
    if (typeof value['Fn::Sub'] === 'string') {
      return value['Fn::Sub'].replace(/\$\{([\w:]+)(?:\.(\w+))?\}/g, (_m, id, attr) => (attr ? getAtt(id, attr) : ref(id)));
    }
    throw new Error(`local stack: cannot resolve ${JSON.stringify(value)}`);
  };
  return resolve;
};

/** The resolved `Resources` of a serverless service (an array of resource files or one object). */
const resourcesOf = (service) => {
  const r = service.resources;
  if (Array.isArray(r)) return Object.assign({}, ...r.map((x) => (x && x.Resources) || {}));
  return (r && r.Resources) || {};
};

module.exports = { localResolver, resourcesOf, ACCOUNT };
