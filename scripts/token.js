'use strict';
/**
 * `npm run -s token -- <customerId> [--stage local] [--expires-in 3600]`: prints one bearer token
 * (one line, nothing else) that the local stack of that stage accepts for that customer:
 *   curl -H "Authorization: Bearer $(npm run -s token -- customer-123)" localhost:3000/orders/<id>
 * Issuer and audience are the stack's own (params `jwtIssuer`, `jwtAudience` in serverless.yml).
 * Local only: the local stack does not check signatures, and no deployed stage accepts these tokens.
 */
const { mintToken, readAuthSettings } = require('../local/emulator/auth');

const USAGE = 'usage: npm run -s token -- <customerId> [--stage local] [--expires-in <seconds>]';
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  if (value === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
  return value;
};

try {
  const stage = option('stage', 'local');
  const expiresInSeconds = Number(option('expires-in', '3600'));
  const [subject, ...extra] = args;
  if (!subject || extra.length || subject.startsWith('--')) throw new Error(USAGE);
  if (!Number.isInteger(expiresInSeconds)) throw new Error(`--expires-in must be a whole number of seconds\n${USAGE}`);
  const { issuer, audience } = readAuthSettings(stage);
  process.stdout.write(`${mintToken({ issuer, audience, subject, expiresInSeconds })}\n`);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
