/**
 * @module reliability/hostile-input
 * Building blocks of the hostile-input property test (hostile-input.test.ts): the endpoint list read from the
 * app's own OpenAPI document (so a route added tomorrow is attacked without anyone editing the test), fast-check
 * arbitraries for bad path/query/body values, and the check every error response must pass. Kept apart from the
 * test so the generators can be reused (e.g. by a soak script) and read on their own.
 */
import fc from 'fast-check';

/** One operation of the OpenAPI document, reduced to what the generators need. */
export interface Endpoint {
  method: string;
  /** OpenAPI template, e.g. `/api/v1/stocks/{ts_code}`. */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: JsonSchema }>;
  /** JSON body schema (resolved), when the operation takes one. */
  body?: JsonSchema;
}

/** The subset of JSON Schema the generators look at. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  format?: string;
  pattern?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** Resolves `#/components/schemas/X` references (one level at a time, cycles cut at depth 8). */
function resolve(doc: OpenApiDoc, s: JsonSchema | undefined, depth = 0): JsonSchema | undefined {
  if (s === undefined || depth > 8) {
    return undefined;
  }
  if (s.$ref !== undefined) {
    const name = s.$ref.replace('#/components/schemas/', '');
    return resolve(doc, doc.components?.schemas?.[name], depth + 1);
  }
  const out: JsonSchema = { ...s };
  if (s.properties !== undefined) {
    out.properties = {};
    for (const [k, v] of Object.entries(s.properties)) {
      const r = resolve(doc, v, depth + 1);
      if (r !== undefined) {
        out.properties[k] = r;
      }
    }
  }
  if (s.items !== undefined) {
    out.items = resolve(doc, s.items, depth + 1);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = s[key];
    if (list !== undefined) {
      out[key] = list.map((x) => resolve(doc, x, depth + 1)).filter((x): x is JsonSchema => x !== undefined);
    }
  }
  return out;
}

/**
 * Lists every operation of an OpenAPI 3.1 document.
 * @param doc - the parsed `/openapi.json`.
 * @returns one {@link Endpoint} per method and path.
 */
export function endpointsOf(doc: unknown): Endpoint[] {
  const d = doc as OpenApiDoc;
  const out: Endpoint[] = [];
  for (const [path, ops] of Object.entries(d.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      const body = resolve(d, bodySchema);
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: resolve(d, p.schema) ?? {} })),
        ...(body !== undefined ? { body } : {}),
      });
    }
  }
  return out;
}

/** Strings that have broken services elsewhere: traversal, injection, encodings, numbers in disguise. */
export const HOSTILE_STRINGS: readonly string[] = [
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd%00.SH',
  "600519.SH' OR '1'='1",
  "'; DROP TABLE users; --",
  '1; SELECT pg_sleep(5)',
  "' UNION SELECT password_hash FROM users --",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the attack (log4j-style lookup)
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1',
  '-0',
  '0x10',
  '99999999999999999999999999999999',
  '\u0000',
  '%00',
  '%',
  '%zz',
  '\ud800',
  '\r\nSet-Cookie: sv_session=x',
  '股票估值',
  '𝕊𝕥𝕠𝕔𝕜 🚀',
  'ＡＢＣ．ＳＨ',
  '\u202e600519.SH',
  ' ',
  '',
  'A'.repeat(5000),
  '600519.SH',
  '000001.SZ',
  '2026-02-30',
  '9999-12-31',
  '0000-00-00',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
];

/** Encodes a path segment; a lone surrogate (which encodeURIComponent rejects) is sent as raw bytes instead. */
export function encodeSegment(s: string, raw: boolean): string {
  if (raw) {
    return s.replace(/[\s#?]/g, (ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  }
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

/** A hostile JSON text fragment (not always valid JSON: malformed text is part of the attack). */
export const hostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)),
  fc.constantFrom(
    '1e308',
    '-1e308',
    '1e999',
    '-1e999',
    '123456789012345678901234567890',
    '-9007199254740993',
    '0.1e-400',
    '-0',
    'NaN',
    'Infinity',
    '-Infinity',
    'null',
    'true',
    'false',
    '[]',
    '{}',
    '""',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '[null,null,null]',
  ),
  fc.double().map((n) => (Number.isFinite(n) ? String(n) : 'null')),
  fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }).map(String),
  fc.integer({ min: 50, max: 50_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
  fc.integer({ min: 50, max: 20_000 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
  fc.json({ maxDepth: 3 }),
);

/** A value a valid request might carry for this schema (example, enum, default, or by type). */
export function plausible(s: JsonSchema | undefined, depth = 0): unknown {
  if (s === undefined || depth > 6) {
    return null;
  }
  if (s.example !== undefined) {
    return s.example;
  }
  if (s.default !== undefined) {
    return s.default;
  }
  if (s.enum !== undefined && s.enum.length > 0) {
    return s.enum[0];
  }
  const alt = s.anyOf?.[0] ?? s.oneOf?.[0] ?? s.allOf?.[0];
  if (alt !== undefined) {
    return plausible(alt, depth + 1);
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        o[k] = plausible(v, depth + 1);
      }
      return o;
    }
    case 'array':
      return [plausible(s.items, depth + 1)];
    case 'integer':
      return s.minimum ?? 1;
    case 'number':
      return s.minimum ?? 0.1;
    case 'boolean':
      return true;
    case 'string':
      return s.format === 'date' ? '2026-03-13' : s.format === 'uuid' ? crypto.randomUUID() : 'x';
    default:
      return null;
  }
}

const MARK = '"__HOSTILE_SLOT__"';

/** Paths (property chains) of every value inside a plausible body, for picking one to replace. */
function slots(v: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  out.push(prefix);
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && prefix.length < 4) {
    for (const [k, x] of Object.entries(v)) {
      slots(x, [...prefix, k], out);
    }
  }
  return out;
}

/**
 * JSON body text for an endpoint: a plausible body with one value (or the whole body) replaced by a hostile
 * fragment, sometimes with an extra unknown field.
 */
export function hostileBody(schema: JsonSchema | undefined): fc.Arbitrary<string> {
  const base = plausible(schema) ?? {};
  const places = slots(base);
  return fc
    .tuple(
      fc.nat({ max: places.length - 1 }),
      hostileJson,
      fc.boolean(),
      fc.constantFrom('__proto__', 'zz_extra'),
    )
    .map(([i, fragment, extra, extraKey]) => {
      const path = places[i] ?? [];
      if (path.length === 0) {
        return fragment;
      }
      const copy = structuredClone(base) as Record<string, unknown>;
      let node = copy;
      for (const k of path.slice(0, -1)) {
        node = node[k] as Record<string, unknown>;
      }
      node[path[path.length - 1] as string] = '__HOSTILE_SLOT__';
      if (extra) {
        copy[extraKey] = 1;
      }
      return JSON.stringify(copy).replace(MARK, fragment);
    });
}

/** Garbage that is not JSON at all, or JSON cut short. */
export const malformedBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    '[1,2',
    "{'a':1}",
    '{"a":1,}',
    'undefined',
    '\u0000\u0001',
    '\ufeff{}',
    'a=1&b=2',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

/** Content types a client might wrongly send with a body. */
export const CONTENT_TYPES: readonly (string | undefined)[] = [
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=----x',
  'application/xml',
  '*/*',
  undefined,
];

/** Markers of leaked internals: stack frames, source paths, SQL text and driver messages. */
const LEAK_PATTERNS: readonly RegExp[] = [
  /\bat [\w$.<>]+ \(/,
  /\.(ts|js|mjs):\d+/,
  /node_modules/,
  /\bselect\b[\s\S]*\bfrom\b/i,
  /\binsert into\b/i,
  /\bupdate \w+ set\b/i,
  /\bdelete from\b/i,
  /syntax error at or near/i,
  /violates (unique|foreign key|check|not-null) constraint/i,
  /relation "[^"]+"/i,
  /duplicate key value/i,
  /\bpglite\b|\bdrizzle\b|\bpostgres(ql)? error\b/i,
  /Maximum call stack/i,
  /TypeError|ReferenceError|RangeError|SyntaxError: /,
];

/**
 * Checks one response: never 5xx, and every 4xx carries the envelope with no internals in it.
 * @returns a problem description, or undefined when the response is fine.
 */
export async function checkResponse(res: Response): Promise<string | undefined> {
  if (res.status >= 500) {
    return `status ${res.status}: ${(await res.text()).slice(0, 300)}`;
  }
  if (res.status < 400) {
    await res.body?.cancel();
    return undefined;
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `status ${res.status} without a JSON body: ${text.slice(0, 200)}`;
  }
  const err = (body as { error?: Record<string, unknown> }).error;
  if (
    err === undefined ||
    typeof err.code !== 'string' ||
    typeof err.message !== 'string' ||
    typeof err.request_id !== 'string' ||
    err.request_id === ''
  ) {
    return `status ${res.status} outside the envelope: ${text.slice(0, 200)}`;
  }
  if (!(res.headers.get('content-type') ?? '').includes('application/json')) {
    return `status ${res.status} with content-type ${res.headers.get('content-type')}`;
  }
  // Only code and message are ours to write; details may echo the client's own input back.
  // Input the client sent may be quoted back ("got \"' UNION SELECT…\""); that is not a leak, so drop it first.
  let own = `${err.code} ${err.message}`;
  for (const h of HOSTILE_STRINGS) {
    if (h.length > 3) {
      own = own.split(h.slice(0, 20)).join('');
    }
  }
  for (const p of LEAK_PATTERNS) {
    if (p.test(own)) {
      return `status ${res.status} leaks ${p}: ${own.slice(0, 200)}`;
    }
  }
  if ('stack' in err || /\bat \S+ \(/.test(JSON.stringify(err.details ?? null))) {
    return `status ${res.status} carries a stack: ${text.slice(0, 200)}`;
  }
  return undefined;
}
