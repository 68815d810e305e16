/**
 * @module routes/json-text
 * Responds with an already-serialized JSON body (cache hits skip re-serialization). The cast tells the OpenAPI
 * router the body matches the route's 200 schema; the route tests check that with `safeParse`.
 */
import type { Context, TypedResponse } from 'hono';
import type { JSONParsed } from 'hono/utils/types';

export function jsonText<T>(
  c: Context,
  body: string,
  headers: Record<string, string>,
): TypedResponse<JSONParsed<T>, 200, 'json'> {
  const res = c.body(body, 200, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
  return res as unknown as TypedResponse<JSONParsed<T>, 200, 'json'>;
}
