/**
 * @module routes/json-text
 * Responds with an already-serialized JSON body (cache hits skip re-serialization). A body that went through the
 * result cache goes out as its UTF-8 bytes, gzipped when the client accepts gzip and the runtime can compress (see
 * services/valuation-cache/encoded-body.ts; a result kept in the recent map is encoded once for all its hits);
 * `Vary: Accept-Encoding` keeps shared caches from mixing the two. The
 * cast tells the OpenAPI router the body matches the route's 200 schema; the route tests check that with `safeParse`.
 */
import type { Context, TypedResponse } from 'hono';
import type { JSONParsed } from 'hono/utils/types';
import { acceptsGzip, type EncodedBody } from '@/services/valuation-cache/encoded-body';

const JSON_TYPE = 'application/json; charset=UTF-8';

/** Smallest body worth compressing, bytes (below it gzip's framing outweighs the savings). */
const GZIP_MIN_BYTES = 1024;

export async function jsonText<T>(
  c: Context,
  out: { body: string; encoded?: EncodedBody | undefined },
  headers: Record<string, string>,
): Promise<TypedResponse<JSONParsed<T>, 200, 'json'>> {
  const { encoded } = out;
  let res: Response;
  if (encoded === undefined) {
    res = c.body(out.body, 200, { 'Content-Type': JSON_TYPE, Vary: 'Accept-Encoding', ...headers });
  } else {
    const bytes = encoded.bytes();
    const zipped =
      bytes.byteLength >= GZIP_MIN_BYTES && acceptsGzip(c.req.header('accept-encoding'))
        ? await encoded.gzip()
        : null;
    res =
      zipped === null
        ? c.body(bytes, 200, { 'Content-Type': JSON_TYPE, Vary: 'Accept-Encoding', ...headers })
        : c.body(zipped, 200, {
            'Content-Type': JSON_TYPE,
            'Content-Encoding': 'gzip',
            Vary: 'Accept-Encoding',
            ...headers,
          });
  }
  return res as unknown as TypedResponse<JSONParsed<T>, 200, 'json'>;
}
