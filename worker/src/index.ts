/**
 * @module index
 * Cloudflare Workers entry — not functional yet, and says so. The edge deployment needs a data source reachable
 * from Workers (Neon/Hyperdrive for PostgreSQL, Upstash for the cache) and a bundle without PGlite; that work is
 * tracked in the edge-deployment issue. Until then every request gets an honest 501 in the API's error envelope
 * (after the same environment validation the Node entry does), instead of a half-working app.
 *
 * Use the Node server (`npm start`) or the CLI (`npx stockval value 600519.SH`).
 */
import { loadEnv } from './env';

function envelope(status: number, code: string, message: string, details?: unknown): Response {
  const requestId = crypto.randomUUID();
  return new Response(
    JSON.stringify({
      error: { code, message, ...(details === undefined ? {} : { details }), request_id: requestId },
    }),
    {
      status,
      headers: { 'content-type': 'application/json; charset=UTF-8', 'x-request-id': requestId },
    },
  );
}

/** String-valued bindings only (secrets and vars); other bindings are not configuration. */
function stringBindings(bindings: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(bindings)) {
    if (typeof v === 'string') {
      out[k] = v;
    }
  }
  return out;
}

export default {
  async fetch(_request: Request, bindings: Record<string, unknown> = {}): Promise<Response> {
    try {
      loadEnv(stringBindings(bindings));
    } catch (err) {
      const problems =
        err instanceof Error && 'problems' in err ? (err as { problems: unknown }).problems : undefined;
      return envelope(500, 'BAD_ENVIRONMENT', 'Invalid configuration', problems);
    }
    return envelope(
      501,
      'NOT_IMPLEMENTED',
      'The Workers deployment is not available yet; run the Node server (npm start) or the CLI (npx stockval)',
    );
  },
};
