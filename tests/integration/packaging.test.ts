import fs from 'node:fs';
import path from 'node:path';
import { packagedFunctions, packagedTemplate } from '../steps/template';

/** What `npm run validate` refuses too: a bundle this big has pulled in something it should not. */
const MAX_ZIP_BYTES = 1024 * 1024;

/**
 * The packaged bundles of a deployed stage (stage defaults): minified, without source maps, each
 * under 1 MiB, and Node is not asked to read maps that are not there.
 */
describe('packaging', () => {
  const folder = () => path.dirname(process.env.PACKAGED_TEMPLATE!);

  it('ships one small zip per function, with no source maps in it', () => {
    // Prepare
    const functions = packagedFunctions();
    // Act
    const zips = functions.map((f) => ({ key: f.key, zip: fs.readFileSync(path.join(folder(), `${f.key}.zip`)) }));
    // Assess: a zip's central directory names its files uncompressed.
    expect(zips.length).toBeGreaterThan(20);
    for (const { key, zip } of zips) {
      expect({ key, bytes: zip.length <= MAX_ZIP_BYTES }).toEqual({ key, bytes: true });
      expect({ key, maps: zip.includes(Buffer.from('.js.map')) }).toEqual({ key, maps: false });
    }
  });

  it('does not make Node read source maps when none were packaged', () => {
    // Prepare
    const { Resources } = packagedTemplate();
    // Act
    const options = packagedFunctions().map((f) => (Resources[f.logicalId]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS);
    // Assess
    expect(new Set(options)).toEqual(new Set(['']));
  });
});
