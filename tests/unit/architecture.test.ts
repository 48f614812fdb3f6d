/**
 * The layering, checked on every run: handlers → use cases → domain, composition roots apart.
 * Use cases see ports and the domain only, never config, middleware or an SDK; the domain sees
 * nothing outside itself but zod and Node's crypto.
 */
import fs from 'node:fs';
import path from 'node:path';
import { saga, topology } from '../../lib/services/saga';

const ROOT = path.resolve(__dirname, '..', '..');

/** The files under `dir` (TypeScript sources unless `keep` says otherwise), as repository paths. */
const filesUnder = (dir: string, keep: (rel: string) => boolean = (rel) => rel.endsWith('.ts')): string[] =>
  fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(rel, keep) : keep(rel) ? [rel] : [];
  });

/** Every module a file imports, resolved to a repository path for relative imports ("lib/platform/errors"). */
const importsOf = (file: string): string[] => {
  const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(([, spec]) =>
    spec!.startsWith('.') ? path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec!)) : spec!,
  );
};

const violations = (dir: string, allowed: (spec: string) => boolean) =>
  filesUnder(dir).flatMap((file) => importsOf(file).filter((spec) => !allowed(spec)).map((spec) => `${file} imports ${spec}`));

/** The services of the example, each in its own folder under lib/services/. */
const services = fs
  .readdirSync(path.join(ROOT, 'lib/services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** What a service's domain may use of the platform: the envelope, errors, validation, the saga's state. */
const platformKernel = (spec: string) =>
  spec.startsWith('lib/platform/events/') || ['lib/platform/errors', 'lib/platform/validation', 'lib/platform/sharding', 'lib/platform/saga/state', 'lib/platform/saga/declaration'].includes(spec);

/** ...and what its use cases may use besides: the ports, the participant step, observability. */
const platformForUseCases = (spec: string) =>
  platformKernel(spec) || ['lib/platform/ports', 'lib/platform/participant-step', 'lib/platform/observability'].includes(spec);

/** What every service shares: the event contracts and the saga's declaration. */
const sharedContracts = (spec: string) => ['lib/services/contracts', 'lib/services/schemas', 'lib/services/saga'].includes(spec);

describe('layers point down', () => {
  it('finds the services it checks', () => {
    // Assess
    expect(services).toEqual(expect.arrayContaining(['orders', 'inventory', 'payments', 'rewards']));
  });

  it.each(services)('lets the use cases of %s import only its domain, its use cases, the contracts and the platform\'s ports', (service) => {
    // Act
    const found = violations(`lib/services/${service}/use-cases`, (spec) =>
      spec.startsWith(`lib/services/${service}/domain/`) || spec.startsWith(`lib/services/${service}/use-cases/`) || spec === `lib/services/${service}/ports` || sharedContracts(spec) || platformForUseCases(spec),
    );

    // Assess
    expect(found).toEqual([]);
  });

  it.each(services.filter((service) => fs.existsSync(path.join(ROOT, 'lib/services', service, 'domain'))))(
    'keeps the domain of %s free of every other layer and of the AWS SDK',
    (service) => {
      // Act
      const found = violations(`lib/services/${service}/domain`, (spec) =>
        spec.startsWith(`lib/services/${service}/domain/`) || sharedContracts(spec) || platformKernel(spec) || spec === 'zod' || spec === 'node:crypto',
      );

      // Assess
      expect(found).toEqual([]);
    },
  );

  it('builds adapters only in the composition roots, never in handlers or use cases', () => {
    // Act
    const found = violations('functions', (spec) => !/^lib\/(services\/[^/]+|platform)\/adapters\//.test(spec) && !spec.startsWith('lib/platform/relay/') && spec !== 'lib/config' && !spec.startsWith('@aws-sdk/'));

    // Assess
    expect(found).toEqual([]);
  });

  it('keeps the platform free of the example: nothing under lib/platform imports lib/services', () => {
    // Act
    const found = violations('lib/platform', (spec) => !spec.startsWith('lib/services'));

    // Assess
    expect(found).toEqual([]);
  });

  it.each(services)('never names the service %s under lib/platform (its event types aside)', (service) => {
    // Prepare: the name as a word, in any case, but not as the prefix of an event type (`inventory.reserved`).
    const word = new RegExp(`\\b${service}\\b(?!\\.[a-z])`, 'i');

    // Act
    const naming = filesUnder('lib/platform').filter((file) => word.test(fs.readFileSync(path.join(ROOT, file), 'utf8')));

    // Assess
    expect(naming).toEqual([]);
  });

  it('reads the environment only in lib/config.ts', () => {
    // Act
    const readers = [...filesUnder('lib'), ...filesUnder('functions')].filter((file) => fs.readFileSync(path.join(ROOT, file), 'utf8').includes('process.env'));

    // Assess
    expect(readers).toEqual(['lib/config.ts']);
  });

  it('finds the imports it checks (the check itself can fail)', () => {
    // Assess
    expect(importsOf('lib/services/orders/use-cases/place-order.ts')).toEqual(expect.arrayContaining(['lib/services/orders/domain/order', 'lib/platform/ports']));
  });
});

describe('a participant is named in at most two files outside its own', () => {
  /** Where a service could be named: the code, the deployment, the local stack and the harnesses (docs, tests and generated contracts aside). */
  const SEARCHED = ['lib', 'functions', 'resources', 'local', 'scripts', 'bench'];
  // bench/ holds only run artefacts (bench/results/, ignored and left out), so a clean clone may not have it at all.
  const searchable = (rel: string) => !rel.endsWith('.md') && !rel.startsWith(path.join('bench', 'results'));
  const searched = [
    ...SEARCHED.filter((dir) => fs.existsSync(path.join(ROOT, dir))).flatMap((dir) => filesUnder(dir, searchable)),
    'serverless.yml',
  ].map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') }));
  /** Files that name a service (a word, any case, not an event type's prefix), outside its own files: a path segment or file name starting with its name. */
  const namingOutside = (service: string) => {
    const word = new RegExp(`\\b${service}\\b(?!\\.[a-z])`, 'i');
    return searched
      .filter(({ file }) => !file.split(path.sep).some((segment) => segment.toLowerCase().startsWith(service)))
      .filter(({ text }) => word.test(text))
      .map(({ file }) => file)
      .sort();
  };
  const participants = topology.serviceNames.filter((service) => service !== saga.keeper.service);

  it('checks every participant of the declaration', () => {
    // Assess
    expect(participants).toEqual(expect.arrayContaining(['inventory', 'payments', 'rewards', 'shipping']));
  });

  it.each(participants)('names %s only in the declaration and the invariants registry', (service) => {
    // Act
    const naming = namingOutside(service);

    // Assess: a new place that must know a service is a place a new participant can be forgotten.
    expect(naming).toEqual(['lib/services/saga.ts', 'lib/services/verify.ts']);
  });

  it('finds a service named outside its own files (the check itself can fail)', () => {
    // Assess: the keeper is named by the HTTP API and the watchdog in serverless.yml.
    expect(namingOutside(saga.keeper.service)).toContain('serverless.yml');
  });
});
