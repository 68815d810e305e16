/**
 * @module middleware/api-key
 * Optional shared-secret protection of the API (`API_SECRET_KEY`, deployment guide "API密钥认证"): requests must send
 * `Authorization: Bearer <key>`. Both sides are hashed with SHA-256 before a constant-time comparison, so neither
 * the key length nor a matching prefix leaks through timing.
 */
import { createMiddleware } from 'hono/factory';
import { ApiError } from '@/errors/api-error';
import type { AppEnv } from '@/routes/types';

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) {
    diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  }
  return diff === 0;
}

export interface ApiKeyOptions {
  /** The expected key; when undefined the middleware lets everything through. */
  key: string | undefined;
}

/**
 * @throws {ApiError} UNAUTHORIZED (401) when the header is missing or wrong.
 * @example app.use('/api/*', apiKey({ key: env.apiSecretKey }))
 */
export function apiKey({ key }: ApiKeyOptions) {
  const expected = key === undefined ? undefined : sha256(key);
  return createMiddleware<AppEnv>(async function apiKeyMiddleware(c, next) {
    if (expected === undefined || c.req.method === 'OPTIONS') {
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match === null || !equalBytes(await sha256(match[1] ?? ''), await expected)) {
      throw new ApiError(
        'UNAUTHORIZED',
        'Missing or invalid API key: send Authorization: Bearer <API_SECRET_KEY>',
        {
          headers: { 'WWW-Authenticate': 'Bearer' },
        },
      );
    }
    return next();
  });
}
