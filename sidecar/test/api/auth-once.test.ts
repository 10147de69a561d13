import type { FastifyInstance, HTTPMethods } from 'fastify';
import { describe, expect, it } from 'vitest';
import { EXT_AUTHZ_PREFIX, EXT_AUTHZ_SECRET_HEADER } from '../../src/egress/ext-authz.js';
import { useTestApp } from './build-test-app.js';
import { SECRET } from './envelopes.js';

interface RegisteredRoute {
  url: string;
  methods: HTTPMethods[];
}

/**
 * Every route of the app, read from `printRoutes()`: a radix tree whose lines each add a segment to
 * their parent's path, e.g. `└── v1/` then `    ├── events (POST)` for `/v1/events`.
 */
function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const segments: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const node = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) continue;
    const depth = (node[1] as string).length / 4;
    segments.length = depth;
    segments.push(node[2] as string);
    if (node[3]) routes.push({ url: segments.join(''), methods: node[3].split(', ') as HTTPMethods[] });
  }
  return routes;
}

/** A URL that reaches the route: parameters and wildcards filled in. */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'x').replace(/\*$/, 'x');

const EXT_AUTHZ_ROUTE = `${EXT_AUTHZ_PREFIX}/*`;

describe('authentication of the routes', () => {
  const h = useTestApp('pglite', { canaries: { clientFor: () => undefined, register: async () => {} } });

  it('serves outside /v1 only the health check, the metrics and the API documents', () => {
    const outside = registeredRoutes(h.app)
      .filter((r) => !r.url.startsWith('/v1/'))
      .map((r) => r.url);
    expect(outside.sort()).toEqual(['/docs/event-envelope.schema.json', '/docs/openapi.json', '/healthz', '/metrics']);
  });

  it('answers 401 with the bearer challenge to every /v1 route but ext_authz when no bearer secret or a wrong one is sent', async () => {
    const v1 = registeredRoutes(h.app).filter((r) => r.url.startsWith('/v1/') && r.url !== EXT_AUTHZ_ROUTE);
    expect(v1.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/v1/events', '/v1/traces', '/v1/status', '/v1/egress/inspect', '/v1/canaries', '/v1/incidents/:key/drafts/:draft']),
    );
    for (const { url, methods } of v1) {
      for (const method of methods) {
        for (const headers of [{}, { authorization: 'Bearer not-the-secret-of-any-org' }]) {
          const res = await h.app.inject({ method, url: concrete(url), headers });
          expect({ method, url, status: res.statusCode, challenge: res.headers['www-authenticate'] }).toEqual({
            method,
            url,
            status: 401,
            challenge: 'Bearer realm="leakwatch"',
          });
        }
      }
    }
  });

  it('authenticates ext_authz by the org secret header only, never by the bearer secret', async () => {
    const [extAuthz] = registeredRoutes(h.app).filter((r) => r.url === EXT_AUTHZ_ROUTE);
    expect(extAuthz?.methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']));
    const url = concrete(EXT_AUTHZ_ROUTE);
    for (const method of extAuthz?.methods ?? []) {
      const bearerOnly = await h.app.inject({ method, url, headers: { authorization: `Bearer ${SECRET}` } });
      expect({ method, status: bearerOnly.statusCode }).toEqual({ method, status: 401 });
      expect(bearerOnly.headers['www-authenticate']).toBeUndefined();
    }
    const secretOnly = await h.app.inject({
      method: 'GET',
      url,
      headers: { host: 'api.example.com', [EXT_AUTHZ_SECRET_HEADER]: SECRET, authorization: 'Bearer the-client-own-credential' },
    });
    expect(secretOnly.statusCode).not.toBe(401);
  });

  it('leaves the health check, the metrics and the API documents open', async () => {
    for (const url of ['/healthz', '/metrics', '/docs/openapi.json', '/docs/event-envelope.schema.json']) {
      expect({ url, status: (await h.app.inject({ method: 'GET', url })).statusCode }).toEqual({ url, status: 200 });
    }
  });
});
