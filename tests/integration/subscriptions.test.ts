/**
 * Each consumer's subscription is declared once, in `lib/services/saga.ts`. The
 * EventBridge rules that deploy are written in `serverless.yml`; this test reads them from the
 * packaged template and fails on any drift: a type the code accepts that no rule delivers (every
 * such saga would time out), a type a rule delivers that the code dead-letters, or a rule that
 * accepts an event type from a source that does not own it.
 */
import { contracts, type EventType } from '../../lib/services/contracts';
import { topology, type ConsumerName } from '../../lib/services/saga';

const { consumersOf, rulePatterns } = topology;
const consumerServices = Object.fromEntries(topology.consumerNames.map((c) => [c, topology.serviceOf(c)])) as Record<ConsumerName, string>;
const subscriptions = Object.fromEntries(topology.consumerNames.map((c) => [c, topology.saga.consumers[c].on])) as unknown as Record<ConsumerName, readonly EventType[]>;
import { packagedFunctions, packagedRules, packagedTemplate } from '../steps/template';

const consumers = topology.consumerNames;

/** "source detail-type" pairs a set of patterns matches (each pattern matches source AND detail-type). */
const pairsOf = (patterns: { source?: readonly string[]; 'detail-type'?: readonly string[] }[]): string[] =>
  patterns.flatMap((p) => (p.source ?? ['(any source)']).flatMap((source) => (p['detail-type'] ?? ['(any type)']).map((type) => `${source} ${type}`))).sort();

describe('EventBridge rules in the packaged template agree with the declared subscriptions', () => {
  const rules = () => packagedRules();
  const rulesOf = (consumer: string) => rules().filter((r) => r.targets.includes(consumer));

  it.each(consumers)('delivers to %s exactly the event types it subscribes to, each from its owner', (consumer) => {
    // Act
    const delivered = pairsOf(rulesOf(consumer).map((r) => r.pattern));

    // Assess
    const declared = (subscriptions[consumer] as readonly EventType[]).map((type) => `${contracts[type].source} ${type}`).sort();
    expect({ consumer, delivered }).toEqual({ consumer, delivered: declared });
    expect(pairsOf(rulePatterns(consumer))).toEqual(declared);
  });

  it('matches nothing but source and detail-type, so no rule can widen a subscription by another field', () => {
    for (const rule of rules()) {
      // Assess
      expect({ rule: rule.logicalId, keys: Object.keys(rule.pattern).sort() }).toEqual({ rule: rule.logicalId, keys: ['detail-type', 'source'] });
    }
  });

  it.each(consumers)('gives %s the inbox of the service it is declared in (where describeSaga looks for its markers)', (consumer) => {
    // Prepare
    const fn = packagedFunctions().find((f) => f.key === consumer)!;
    const environment = (packagedTemplate().Resources[fn.logicalId]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

    // Assess
    const service = consumerServices[consumer];
    expect(environment.INBOX_TABLE).toEqual({ Ref: `${service[0]!.toUpperCase()}${service.slice(1)}InboxTable` });
  });

  it.each(consumersOf('order.confirmed'))('gives the saga watchdog the inbox of %s, which the delivery watch reads before re-driving order.confirmed', (consumer) => {
    // Prepare
    const fn = packagedFunctions().find((f) => f.key === 'sagaWatchdog')!;
    const environment = (packagedTemplate().Resources[fn.logicalId]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

    // Assess
    const service = consumerServices[consumer];
    expect(environment[`${service.toUpperCase()}_INBOX_TABLE`]).toEqual({ Ref: `${service[0]!.toUpperCase()}${service.slice(1)}InboxTable` });
  });

  it('has no rule for a function that is not a declared consumer', () => {
    // Assess
    const targets = [...new Set(rules().flatMap((r) => r.targets))].sort();
    expect(targets).toEqual([...consumers].sort());
  });
});
