// A Logto-like tenant for latch's tests: oidc-provider (the engine inside
// Logto) with a Native public client signing ID tokens ES384, a second
// client on RS256, PKCE required, refresh-token rotation, one API resource
// issuing JWT access tokens, revocation, userinfo, end-session, RFC 9207
// and the device authorization grant.
//
// Usage: node server.mjs   (PORT=0 picks a free port; ISSUER_SLASH=1 makes
// the issuer end in "/", as Auth0, LemonLDAP and some Hydra setups do)
// Prints "READY <issuer>" on stdout once it listens. GET /_stats returns the
// number of requests per path since start (or since POST /_stats/reset).
import http from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';

const ttl = Number(process.env.ACCESS_TTL || 3600);
export const RESOURCE = process.env.RESOURCE || 'https://api.latch.test';

function jwk(type, opts, alg) {
  const { privateKey } = generateKeyPairSync(type, opts);
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID().slice(0, 8), alg, use: 'sig' };
}

const stats = {};
const server = http.createServer();
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}/oidc${process.env.ISSUER_SLASH ? '/' : ''}`;
  const native = {
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback', 'http://[::1]/callback'],
  };
  const provider = new Provider(issuer, {
    clients: [
      { ...native, client_id: 'latch-native', id_token_signed_response_alg: 'ES384' },
      { ...native, client_id: 'latch-rs256', id_token_signed_response_alg: 'RS256' },
      // kubelogin, for make bench: its callback is the root path.
      { ...native, client_id: 'kubelogin-bench', id_token_signed_response_alg: 'ES384', redirect_uris: ['http://127.0.0.1'] },
    ],
    jwks: { keys: [jwk('ec', { namedCurve: 'P-384' }, 'ES384'), jwk('rsa', { modulusLength: 2048 }, 'RS256')] },
    enabledJWA: { idTokenSigningAlgValues: ['ES384', 'RS256'] },
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      profile: ['name', 'username', 'picture'],
      email: ['email', 'email_verified'],
    },
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return {
            sub, name: `Test ${sub}`, username: sub, picture: `https://example.test/${sub}.png`,
            email: `${sub}@example.test`, email_verified: true,
          };
        },
      };
    },
    ttl: { AccessToken: ttl, IdToken: ttl, RefreshToken: 14 * 24 * 3600, Grant: 14 * 24 * 3600, Session: 3600, Interaction: 600 },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      deviceFlow: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => undefined,
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== RESOURCE) throw new errors.InvalidTarget();
          return { scope: 'read:data write:data', audience: indicator, accessTokenFormat: 'jwt', accessTokenTTL: ttl, jwt: { sign: { alg: 'ES384' } } };
        },
      },
    },
  });
  provider.proxy = false;
  const handle = provider.callback();
  server.on('request', (req, res) => {
    const path = req.url.split('?')[0];
    if (path === '/_stats' && req.method === 'GET') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(stats));
    }
    if (path === '/_stats/reset' && req.method === 'POST') {
      for (const k of Object.keys(stats)) delete stats[k];
      return res.end('{}');
    }
    stats[path] = (stats[path] || 0) + 1;
    if (!req.url.startsWith('/oidc')) { res.statusCode = 404; return res.end(); }
    req.originalUrl = req.url;
    req.url = req.url.slice('/oidc'.length) || '/';
    return handle(req, res);
  });
  console.log(`READY ${issuer}`);
});
process.on('SIGTERM', () => process.exit(0));
