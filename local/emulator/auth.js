'use strict';
/**
 * Customers' tokens for the local stack. The HTTP API's JWT authorizer (`provider.httpApi` in
 * serverless.yml, fed by the `jwtIssuer` and `jwtAudience` params) runs in serverless offline too,
 * which checks a token's issuer, audience and expiry but NOT its signature (API Gateway verifies
 * signatures against the issuer's keys on AWS). So a locally minted token is accepted by the local
 * stack only; it is signed with a key that is no secret, and no deployed stage trusts it.
 */
const { createHmac } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { localResolver, resourcesOf } = require('./intrinsics');

const ROOT = path.resolve(__dirname, '..', '..');
const LOCAL_SIGNING_KEY = 'order-saga local stack: not a secret, never trusted by a deployed stage';

/** Where a running local stack records the issuer and audience its authorizer accepts. */
const authSettingsFile = (stage) => path.join(ROOT, '.local-data', `auth-${stage}.json`);

/** The issuer and audience of the service's JWT authorizer, intrinsics resolved as the local stack resolves them. */
const authorizerSettings = ({ provider, resources }) => {
  const authorizers = Object.values((provider.httpApi && provider.httpApi.authorizers) || {}).filter((a) => a.issuerUrl);
  if (authorizers.length !== 1) throw new Error(`expected one JWT authorizer in provider.httpApi.authorizers, found ${authorizers.length}`);
  const resolve = localResolver({ resources, region: provider.region || 'us-east-1' });
  const [authorizer] = authorizers;
  return { issuer: resolve(authorizer.issuerUrl), audience: [authorizer.audience].flat().map(resolve) };
};

const writeAuthSettings = (stage, settings) => {
  fs.mkdirSync(path.dirname(authSettingsFile(stage)), { recursive: true });
  fs.writeFileSync(authSettingsFile(stage), `${JSON.stringify(settings, null, 2)}\n`);
};

/**
 * What the local stack of `stage` accepts: recorded by the running stack when it starts (so
 * `--param` overrides count), or else resolved from serverless.yml (`serverless print`, slower).
 */
const readAuthSettings = (stage) => {
  try {
    return JSON.parse(fs.readFileSync(authSettingsFile(stage), 'utf8'));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  const { resolvedConfig } = require('./resolved-resources');
  const config = resolvedConfig(stage);
  return authorizerSettings({ provider: config.provider, resources: resourcesOf(config) });
};

const base64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * A bearer token for `subject` (the customer id) that the local stack accepts. `expiresInSeconds`
 * may be negative (an expired token); `claims` overrides any claim (e.g. a wrong `aud`).
 */
const mintToken = ({ issuer, audience, subject, expiresInSeconds = 3600, claims = {}, now = Date.now() }) => {
  const iat = Math.floor(now / 1000);
  const header = base64url({ alg: 'HS256', typ: 'JWT' });
  const payload = base64url({ iss: issuer, aud: [audience].flat()[0], sub: subject, iat, exp: iat + expiresInSeconds, token_use: 'access', ...claims });
  const signature = createHmac('sha256', LOCAL_SIGNING_KEY).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
};

module.exports = { authorizerSettings, authSettingsFile, mintToken, readAuthSettings, writeAuthSettings };
