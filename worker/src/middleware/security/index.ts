/**
 * @module middleware/security
 * Security headers (hono/secure-headers defaults: HSTS, nosniff, frame and referrer policies) plus a
 * Content-Security-Policy per kind of response: JSON gets `default-src 'none'` (ops-security.md §2); the API
 * reference page may load its bundle from the CDN; the web UI may load only its own files.
 */

import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '@/routes/types';

const JSON_HEADERS = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
});

const DOCS_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", "'unsafe-inline'", 'https://cdn.jsdelivr.net'],
    styleSrc: ["'self'", "'unsafe-inline'", 'https://cdn.jsdelivr.net', 'https://fonts.googleapis.com'],
    fontSrc: ["'self'", 'data:', 'https://fonts.gstatic.com', 'https://cdn.jsdelivr.net'],
    imgSrc: ["'self'", 'data:', 'https:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

const WEB_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
  },
});

function isJsonPath(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/health') || path === '/openapi.json';
}

/** Chooses the header set by path: JSON endpoints, `/docs`, everything else (web UI). */
export function securityHeaders() {
  return createMiddleware<AppEnv>(async function securityHeadersMiddleware(c, next) {
    const path = c.req.path;
    const handler = isJsonPath(path) ? JSON_HEADERS : path.startsWith('/docs') ? DOCS_HEADERS : WEB_HEADERS;
    return handler(c, next);
  });
}
