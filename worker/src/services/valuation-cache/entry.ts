/**
 * @module services/valuation-cache/entry
 * How a cached result travels through the string-valued fast tier (Redis or memory): `<fresh_until ms>\n<body>`.
 * The body is compact JSON, which never contains a raw newline, so the first newline always ends the header; parsing
 * it is one `indexOf` and one `Number`, which keeps a hit cheap. Anything else (e.g. an entry written by an older
 * version) decodes to null and counts as a miss.
 */

/** A cached response body and the end of its fresh period. */
export interface CacheEntry {
  /** Serialized JSON response body. */
  body: string;
  /** Milliseconds since the epoch; after this the entry is stale (served as STALE and recomputed). */
  freshUntil: number;
}

/** Serializes an entry for the fast tier. */
export function encodeEntry(entry: CacheEntry): string {
  return `${entry.freshUntil}\n${entry.body}`;
}

/**
 * Parses a fast-tier value.
 * @returns the entry, or null when the value is not in this format.
 * @example
 * decodeEntry('1700000000000\n{"a":1}') // { freshUntil: 1700000000000, body: '{"a":1}' }
 */
export function decodeEntry(raw: string): CacheEntry | null {
  const nl = raw.indexOf('\n');
  if (nl <= 0) {
    return null;
  }
  const freshUntil = Number(raw.slice(0, nl));
  if (!Number.isFinite(freshUntil)) {
    return null;
  }
  return { freshUntil, body: raw.slice(nl + 1) };
}
