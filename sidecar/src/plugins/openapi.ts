import swagger from '@fastify/swagger';
import fp from 'fastify-plugin';
import { envelopeJsonSchema } from '../ingest/event-validator.js';

/**
 * Collects every route's schema into an OpenAPI 3 document, served at /docs/openapi.json, beside
 * the event envelope's JSON Schema (the contract with the package) at /docs/event-envelope.schema.json.
 */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Leakwatch sidecar',
          version: '1',
          description: 'Receives events from the Leakwatch package, classifies personal data locally and writes verdicts back into the org.',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The per-org secret.' } },
        },
      },
    });
    app.get('/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    app.get('/docs/event-envelope.schema.json', { schema: { hide: true } }, async () => envelopeJsonSchema);
  },
  { name: 'openapi' },
);
