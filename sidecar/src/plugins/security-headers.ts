import fp from 'fastify-plugin';

/**
 * Sent with every reply, errors included: browsers must not guess a JSON or text reply to be
 * something else, and no cache on the way may keep a reply (they carry an org's queue figures).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export default fp(
  async (app) => {
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.headers(SECURITY_HEADERS);
      return payload;
    });
  },
  { name: 'security-headers' },
);
