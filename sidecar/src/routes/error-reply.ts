import { Type } from 'typebox';

/** Every 4xx/5xx reply. */
export const ErrorReply = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String({ description: 'What went wrong and what to change.' }),
    requestId: Type.String({ description: 'Quote it to the sidecar operator.' }),
  },
  { description: 'An error reply.' },
);
