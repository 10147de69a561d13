import fp from 'fastify-plugin';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function badRequest(message: string): Error {
  return Object.assign(new Error(message), { statusCode: 400, code: 'LW_BAD_BODY' });
}

/**
 * Only JSON is accepted: any other content type, or none, gets a 400 from the error handler. Bodies are read as bytes, checked to be valid UTF-8 (a lossy decode would hide
 * corrupted values from the classifier), then parsed.
 *
 * A `__proto__` or `constructor` key is parsed as the plain data property JSON.parse makes of it, not
 * refused: refusing it failed the whole batch for one key in one event's details. It can do no harm
 * there: the schema refuses it as an unknown property wherever properties are listed (the event is
 * rejected on its own), and the stored copy of details is rebuilt without `__proto__` keys
 * (`classifyEvents`), so no code ever merges it into an object.
 */
export default fp(
  async (app) => {
    const parseJson = app.getDefaultJsonParser('ignore', 'ignore');
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      let text: string;
      try {
        text = utf8.decode(body as Buffer);
      } catch {
        done(badRequest('The request body is not valid UTF-8. Send the batch as UTF-8 encoded JSON.'), undefined);
        return;
      }
      if (text.trim() === '') {
        done(badRequest('The request body is empty. Send the event envelope as JSON.'), undefined);
        return;
      }
      parseJson(request, text, (err, parsed) => {
        if (err) done(badRequest(`The request body is not valid JSON (${err.message}). Send the event envelope as one JSON object.`), undefined);
        else done(null, parsed);
      });
    });
  },
  { name: 'json-body' },
);
