/**
 * The layering, checked on every run: handlers → use cases → domain, composition roots apart.
 * Use cases see ports and the domain only, never config, middleware or an SDK; the domain sees
 * nothing outside itself but zod and Node's crypto.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

const filesUnder = (dir: string): string[] =>
  fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(rel) : rel.endsWith('.ts') ? [rel] : [];
  });

/** Every module a file imports, resolved to a repository path for relative imports ("lib/domain/errors"). */
const importsOf = (file: string): string[] => {
  const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(([, spec]) =>
    spec!.startsWith('.') ? path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec!)) : spec!,
  );
};

const violations = (dir: string, allowed: (spec: string) => boolean) =>
  filesUnder(dir).flatMap((file) => importsOf(file).filter((spec) => !allowed(spec)).map((spec) => `${file} imports ${spec}`));

describe('layers point down', () => {
  it('lets use cases import only the domain, their ports, each other and observability', () => {
    // Act
    const found = violations('lib/use-cases', (spec) => spec.startsWith('lib/domain/') || spec.startsWith('lib/use-cases/') || spec === 'lib/observability');

    // Assess
    expect(found).toEqual([]);
  });

  it('keeps the domain free of every other layer and of the AWS SDK', () => {
    // Act
    const found = violations('lib/domain', (spec) => spec.startsWith('lib/domain/') || spec === 'zod' || spec === 'node:crypto');

    // Assess
    expect(found).toEqual([]);
  });

  it('builds adapters only in the composition roots, never in handlers or use cases', () => {
    // Act
    const found = violations('functions', (spec) => !spec.startsWith('lib/adapters/') && !spec.startsWith('lib/relay/') && spec !== 'lib/config' && !spec.startsWith('@aws-sdk/'));

    // Assess
    expect(found).toEqual([]);
  });

  it('reads the environment only in lib/config.ts', () => {
    // Act
    const readers = [...filesUnder('lib'), ...filesUnder('functions')].filter((file) => fs.readFileSync(path.join(ROOT, file), 'utf8').includes('process.env'));

    // Assess
    expect(readers).toEqual(['lib/config.ts']);
  });

  it('finds the imports it checks (the check itself can fail)', () => {
    // Assess
    expect(importsOf('lib/use-cases/orders/place-order.ts')).toEqual(expect.arrayContaining(['lib/domain/orders/order', 'lib/use-cases/ports']));
  });
});
