/**
 * @module middleware/security
 * Security headers (hono/secure-headers defaults: HSTS, nosniff, frame and referrer policies) plus a
 * Content-Security-Policy per kind of response: JSON gets `default-src 'none'` (ops-security.md §2); the API
 * reference page may load its bundle from where DOCS_SCRIPT_URL says; the web UI may load only its own files.
 */

import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import { DEFAULT_DOCS_SCRIPT_URL } from '@/env';
import type { AppEnv } from '@/routes/types';

const JSON_HEADERS = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
});

/**
 * The API reference page: its script from `scriptUrl` (DOCS_SCRIPT_URL, a CDN by default), which also injects its
 * styles and fonts from there; the inline script that starts it and inline styles.
 */
function docsHeaders(scriptUrl: string) {
  const origin = scriptUrl.startsWith('/') ? "'self'" : new URL(scriptUrl).origin;
  const sources = [...new Set(["'self'", origin])];
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: [...sources, "'unsafe-inline'"],
      styleSrc: [...sources, "'unsafe-inline'", 'https://fonts.googleapis.com'],
      fontSrc: [...sources, 'data:', 'https://fonts.gstatic.com'],
      imgSrc: ["'self'", 'data:', 'https:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
}

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

/**
 * Chooses the header set by path: JSON endpoints, `/docs`, everything else (web UI).
 * @param docsScriptUrl - where `/docs` loads its script from (DOCS_SCRIPT_URL; default the pinned CDN bundle)
 */
export function securityHeaders(docsScriptUrl: string = DEFAULT_DOCS_SCRIPT_URL) {
  const DOCS_HEADERS = docsHeaders(docsScriptUrl);
  return createMiddleware<AppEnv>(async function securityHeadersMiddleware(c, next) {
    const path = c.req.path;
    const handler = isJsonPath(path) ? JSON_HEADERS : path.startsWith('/docs') ? DOCS_HEADERS : WEB_HEADERS;
    return handler(c, next);
  });
}
