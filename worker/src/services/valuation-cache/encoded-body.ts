/**
 * @module services/valuation-cache/encoded-body
 * A cached response body in the forms the wire needs, each made once per cached result instead of once per request.
 * A valuation body is ~23 KB of JSON with Chinese text; writing it as a string makes the HTTP layer encode it to
 * UTF-8 on every response, which measured as the largest single cost of a cache hit (loopback, 2 cores: the same
 * body as a string 19k req/s, as bytes 32k, gzipped 36k). Clients that accept gzip (browsers, curl --compressed,
 * Python requests by default) also get a body a quarter of the size.
 */

/** Compresses bytes with gzip (RFC 1952). Injected per runtime: Node passes zlib; Workers compress at the edge. */
export type Gzip = (data: Uint8Array) => Promise<Uint8Array<ArrayBuffer>>;

export interface EncodedBody {
  /** The JSON text. */
  readonly text: string;
  /** UTF-8 bytes of {@link text}, encoded on first use. */
  bytes(): Uint8Array<ArrayBuffer>;
  /**
   * gzip of {@link bytes}, compressed on first use and shared by concurrent callers; null without a compressor or
   * when compression failed (the caller sends the plain bytes).
   */
  gzip(): Promise<Uint8Array<ArrayBuffer> | null>;
}

const ENCODER = new TextEncoder();

/** Wraps a body; nothing is encoded until asked for. */
export function encodedBody(text: string, gzip?: Gzip): EncodedBody {
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  let zipped: Promise<Uint8Array<ArrayBuffer> | null> | undefined;
  const getBytes = () => {
    bytes ??= ENCODER.encode(text);
    return bytes;
  };
  return {
    text,
    bytes: getBytes,
    gzip() {
      if (gzip === undefined) {
        return Promise.resolve(null);
      }
      zipped ??= gzip(getBytes()).catch(() => null);
      return zipped;
    },
  };
}

/**
 * Whether an `Accept-Encoding` header admits gzip (RFC 9110 §12.5.3: a `gzip`, `x-gzip` or `*` coding whose q is
 * not 0; an explicit `gzip;q=0` wins over `*`).
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined || header === '') {
    return false;
  }
  let star = false;
  for (const part of header.split(',')) {
    const [rawName = '', ...params] = part.split(';');
    const name = rawName.trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=');
      if (k?.trim().toLowerCase() === 'q') {
        q = Number(v?.trim());
      }
    }
    const allowed = Number.isFinite(q) && q > 0;
    if (name === 'gzip' || name === 'x-gzip') {
      return allowed;
    }
    if (name === '*') {
      star = allowed;
    }
  }
  return star;
}
