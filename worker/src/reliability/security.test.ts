/**
 * Security checks as tests (issue 11 item 5):
 * - session fixation: a token the client holds before signing in (planted, or its own older session) is never the
 *   one it holds after; login always mints a new random token, a planted one stays worthless;
 * - timing-safe comparisons: a static check that the code which checks sessions, API keys, the server key, CSRF
 *   tokens and the metrics token compares secrets only through the constant-time helpers, plus a check of the
 *   helper itself;
 * - no secrets in logs: a whole account lifecycle (the secrets it creates are only known at run time) leaves none of
 *   them in any log line (observability/log-redaction.test.ts covers configured secrets and careless log calls);
 * - SQL only through parameterised queries: a static scan of worker/src for string-built SQL, with an allowlist
 *   whose every entry says why it is safe.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cookieHeader, PASSWORD, signIn } from '@/routes/auth/test-helpers';
import type { AppOpenApi } from '@/routes/types';
import { constantTimeEqual } from '@/services/auth/tokens';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';

const SRC = join(import.meta.dirname, '..');
const SERVER_KEY = 'security-test-server-key-0123456789';

/** Non-test TypeScript sources under worker/src, as paths relative to it. */
function sourceFiles(dir = SRC): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      out.push(...sourceFiles(p));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) {
      out.push(relative(SRC, p));
    }
  }
  return out;
}

const read = (file: string) => readFileSync(join(SRC, file), 'utf8');

/** Source text with comments removed (so JSDoc examples do not count as code). */
function code(file: string): string {
  return read(file)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

let h: TestHarness;
let app: AppOpenApi;

beforeAll(async () => {
  h = await createTestHarness();
  app = h.withEnv(
    {
      API_SECRET_KEY: SERVER_KEY,
      AUTH_REQUIRED: 'true',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
      LOG_LEVEL: 'debug',
    },
    { clientKey: () => '198.51.100.23' },
  );
}, 180_000);
afterAll(async () => {
  await h?.close();
});

describe('session fixation', () => {
  it('a planted session cookie or bearer is not adopted by login and stays invalid', async () => {
    const planted = `${crypto.randomUUID()}.${'A'.repeat(43)}`;
    const first = await signIn(app);
    const res = await call<{ token: string }>(app, 'POST', '/api/v1/auth/login', {
      body: { email: first.email, password: PASSWORD },
      headers: { cookie: `sv_session=${planted}; sv_csrf=x` },
    });
    expect(res.status).toBe(200);
    expect(res.body.token).not.toBe(planted);
    expect(res.body.token.split('.')[0]).not.toBe(planted.split('.')[0]);
    const sessionCookie = res.setCookies.find((l) => l.startsWith('sv_session='));
    expect(sessionCookie).toBeDefined();
    expect(sessionCookie).not.toContain(planted);
    const me = await call(app, 'GET', '/api/v1/auth/me', { headers: { authorization: `Bearer ${planted}` } });
    expect(me.status).toBe(401);
    // A planted bearer is refused outright, even on the login route.
    const withBearer = await call(app, 'POST', '/api/v1/auth/login', {
      body: { email: first.email, password: PASSWORD },
      headers: { authorization: `Bearer ${planted}` },
    });
    expect(withBearer.status).toBe(401);
  });

  it('signing in again while holding a session yields a different session id and secret', async () => {
    const a = await signIn(app);
    const again = await call<{ token: string }>(app, 'POST', '/api/v1/auth/login', {
      body: { email: a.email, password: PASSWORD },
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
    });
    expect(again.status).toBe(200);
    const [idA, secretA] = a.token.split('.');
    const [idB, secretB] = again.body.token.split('.');
    expect(idB).not.toBe(idA);
    expect(secretB).not.toBe(secretA);
    expect(cookieHeader(again.setCookies)).not.toContain(a.token);
  });

  it('logout kills the token server-side: replaying it afterwards is a 401', async () => {
    const a = await signIn(app);
    const out = await call(app, 'POST', '/api/v1/auth/logout', { headers: a.bearer });
    expect(out.status).toBeLessThan(300);
    const me = await call(app, 'GET', '/api/v1/auth/me', { headers: a.bearer });
    expect(me.status).toBe(401);
  });
});

describe('timing-safe comparisons', () => {
  /** Files that decide whether a presented secret is right, and the helper each must call. */
  const CHECKERS: Array<[file: string, helper: RegExp]> = [
    ['services/auth/sessions.ts', /constantTimeEqual\(/],
    ['services/auth/api-keys.ts', /constantTimeEqual\(/],
    ['auth/authenticate.ts', /constantTimeEqual\(/],
    ['routes/metrics/index.ts', /equalBytes\(/],
  ];
  /** Names that hold secrets or their digests. */
  const SECRET_NAME = /\b\w*(secret|hash|token|csrf|digest|presented|expected|password)\w*\b/i;
  /** Lines that compare something secret-named but not a presented secret with a stored one (with the reason). */
  const NOT_SECRET_CHECKS: Record<string, string> = {
    "services/auth/password.ts: return bytes === password.length ? password : password + '\\0'.repeat(bytes - password.length);":
      'a length, not the value',
    'services/auth/users.ts: if (input.new_password === input.current_password) {':
      'both values come from the same request (no stored secret involved)',
  };
  /** Comparisons with these are about presence or shape, not about the secret's value. */
  const HARMLESS = /^(undefined|null|''|""|\d+|'[a-z_]+'|true|false)$/;

  it.each(CHECKERS)('%s compares secrets through the constant-time helper', (file, helper) => {
    expect(code(file)).toMatch(helper);
  });

  it('no auth code compares a secret with === / !== (or localeCompare, startsWith on a secret)', () => {
    const files = sourceFiles().filter(
      (f) => f.startsWith('auth/') || f.startsWith('services/auth/') || f === 'routes/metrics/index.ts',
    );
    const offenders: string[] = [];
    for (const f of files) {
      code(f)
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(/([\w.$[\]'"?]+)\s*(===|!==|==|!=)\s*([\w.$[\]'"?]+)/g)) {
            const [, left = '', , right = ''] = m;
            const secretSide = SECRET_NAME.test(left) || SECRET_NAME.test(right);
            const harmless = HARMLESS.test(left) || HARMLESS.test(right) || /\.length$/.test(left);
            if (secretSide && !harmless && !(`${f}: ${line.trim()}` in NOT_SECRET_CHECKS)) {
              offenders.push(`${f}:${i + 1}: ${line.trim()}`);
            }
          }
          if (/(secret|hash|token|csrf)\w*\.(localeCompare|startsWith)\(/i.test(line)) {
            offenders.push(`${f}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    expect(offenders).toEqual([]);
  });

  it('the helper has no early exit and answers correctly', () => {
    const src = code('services/auth/tokens.ts');
    const body = /export function constantTimeEqual[\s\S]*?\n}/.exec(src)?.[0] ?? '';
    expect(body).not.toBe('');
    // One return at the end; no return/break inside the loop.
    expect(body.match(/\breturn\b/g)).toHaveLength(1);
    expect(body).not.toMatch(/\bbreak\b/);
    expect(constantTimeEqual('a'.repeat(64), 'a'.repeat(64))).toBe(true);
    expect(constantTimeEqual('a'.repeat(64), `${'a'.repeat(63)}b`)).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});

describe('no secrets in logs', () => {
  it('a whole account lifecycle leaves no password, token, CSRF token or API key in any log line', async () => {
    const before = h.logs.length;
    const newPassword = `Tundra-${crypto.randomUUID().slice(0, 8)}-quartz`;
    const a = await signIn(app);
    const secrets: string[] = [
      PASSWORD,
      newPassword,
      a.token,
      a.token.split('.')[1] ?? '',
      a.csrf,
      SERVER_KEY,
    ];
    await call(app, 'GET', '/api/v1/auth/me', { headers: a.bearer });
    await call(app, 'GET', '/api/v1/auth/me', { headers: { cookie: a.cookie } });
    // CSRF failure and a bad bearer: the 4xx paths log too.
    await call(app, 'PUT', '/api/v1/workspace', { headers: { cookie: a.cookie }, body: { ui_state: {} } });
    await call(app, 'GET', '/api/v1/auth/me', { headers: { authorization: `Bearer ${a.token}x` } });
    const key = await call<{ secret: string }>(app, 'POST', '/api/v1/keys', {
      body: { name: 'logs', scopes: ['valuation:read'] },
      headers: a.bearer,
    });
    expect(key.status).toBe(201);
    secrets.push(key.body.secret);
    await call(app, 'GET', '/api/v1/stocks?q=600519', {
      headers: { authorization: `Bearer ${key.body.secret}` },
    });
    await call(app, 'GET', '/api/v1/stocks?q=600519', { headers: { authorization: `Bearer ${SERVER_KEY}` } });
    // Wrong password on login (body carries it), then a password change, then the new password.
    await call(app, 'POST', '/api/v1/auth/login', {
      body: { email: a.email, password: `${PASSWORD}-wrong` },
    });
    secrets.push(`${PASSWORD}-wrong`);
    const changed = await call(app, 'POST', '/api/v1/auth/password', {
      body: { current_password: PASSWORD, new_password: newPassword },
      headers: a.bearer,
    });
    expect(changed.status).toBeLessThan(300);
    const b = await signIn(app, { email: a.email, password: newPassword, register: false });
    secrets.push(b.token, b.csrf);
    await call(app, 'POST', '/api/v1/auth/logout', { headers: b.bearer });

    const lines = h.logs.slice(before);
    expect(lines.length).toBeGreaterThan(5);
    const leaks = lines.filter((l) => secrets.some((s) => s.length >= 8 && l.includes(s)));
    expect(leaks).toEqual([]);
  });
});

describe('SQL only through parameterised queries', () => {
  /**
   * Places where SQL text is built from a value, each with the reason it is safe. Key: `file: fragment`; an entry
   * covers a finding in that file that contains the fragment and has no interpolation (`${`) beyond the fragment's,
   * so rewording the rest of a query does not break the test but a new interpolated value does.
   * A new entry needs the same kind of argument: the value is a constant, or an identifier already quoted.
   */
  const ALLOWLIST: Record<string, string> = {
    "db/schema.ts: sql.raw(`'${YYYYMMDD}'`)": 'CHECK constraints: YYYYMMDD is a module constant regex',
    'data/postgres-source.ts: sql.raw(op)':
      "op is typed '>=' | '<=' and only ever a literal at the call sites",
    'cli/ops/backup.ts: `create database ${ident}`':
      'DDL cannot take parameters; ident is a generated name quoted as an identifier',
    'cli/ops/backup.ts: `drop database if exists ${ident} with (force)`': 'same generated, quoted identifier',
    'services/valuation-cache/test-database.ts: `create database ${name}`':
      'test helper; name is generated from [a-z0-9_] by the test itself',
    'services/valuation-cache/test-database.ts: `drop database if exists ${name} with (force)`':
      'test helper; same generated name',
    'cli/ops/backup.ts: from ${id} x':
      'backup/restore-drill checksum per table; id is schema.table through client.escapeIdentifier',
    'cli/ops/backup.ts: .query(sqlText)': 'adminQuery runs the two DDL strings above only',
    'services/valuation-cache/test-database.ts: .query(query)': 'admin() runs the two DDL strings above only',
    'db/sql.ts: .execute(query)': 'query is a drizzle SQL object (typed SQL), parameterised by drizzle',
  };

  const interpolations = (text: string) => text.split('${').length - 1;
  /** Whether allowlist entry `key` covers `finding`. */
  function covers(key: string, finding: string): boolean {
    const cut = key.indexOf(': ');
    const file = key.slice(0, cut);
    const fragment = key.slice(cut + 2);
    return (
      finding.startsWith(`${file}: `) &&
      finding.includes(fragment) &&
      interpolations(finding) === interpolations(fragment)
    );
  }

  /** Finds string-built SQL: raw SQL with non-literal input, untagged templates with SQL keywords, bare queries. */
  function scan(f: string, text: string): string[] {
    const out: string[] = [];
    for (const m of text.matchAll(/sql\.raw\(([^)]*\)?)\)/g)) {
      const arg = (m[1] ?? '').trim();
      if (!/^'[^']*'$|^"[^"]*"$|^`[^`$]*`$/.test(arg)) {
        out.push(`${f}: sql.raw(${arg})`);
      }
    }
    // Untagged template literals holding SQL keywords and an interpolation.
    for (const m of text.matchAll(/(\w*)(`[^`]*`)/g)) {
      const [, tag = '', tpl = ''] = m;
      if (tag === 'sql' || !tpl.includes('${')) {
        continue;
      }
      if (
        /\b(select\s[\s\S]*\sfrom|insert\s+into|delete\s+from|update\s+\S+\s+set|create\s+(database|table|index)|drop\s+(database|table)|alter\s+table|truncate)\b/i.test(
          tpl,
        )
      ) {
        out.push(`${f}: ${tpl.replace(/\s+/g, ' ')}`);
      }
    }
    // A driver query/execute/unsafe handed a variable or a concatenation instead of a sql`` object.
    for (const m of text.matchAll(/\.(query|execute|unsafe)\(\s*([A-Za-z_$][\w$]*)\s*[,)]/g)) {
      out.push(`${f}: .${m[1]}(${m[2]})`);
    }
    for (const m of text.matchAll(/\.(query|execute|unsafe)\(\s*(['"`][^'"`]*['"`]\s*\+)/g)) {
      out.push(`${f}: .${m[1]}(${m[2]}`);
    }
    return out;
  }

  const findings = () => sourceFiles().flatMap((f) => scan(f, code(f)));

  it('finds no string-built SQL outside the allowlist', () => {
    const unexpected = findings().filter((x) => !Object.keys(ALLOWLIST).some((k) => covers(k, x)));
    expect(unexpected).toEqual([]);
  });

  it('the allowlist has no stale entries (each still matches the code)', () => {
    const found = findings();
    expect(Object.keys(ALLOWLIST).filter((k) => !found.some((x) => covers(k, x)))).toEqual([]);
  });

  it('the scan catches the patterns it is meant to catch', () => {
    const bad = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text the scanner must flag
      "db.execute(sql.raw(`select * from users where email = '${email}'`))",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text the scanner must flag
      'await client.query(`select * from users where id = ${id}`)',
      "await pool.query('select * from t where a = ' + a)",
      'await db.execute(text)',
    ];
    const caught = bad.filter((b) => scan('x.ts', b).length > 0);
    expect(caught).toEqual(bad);
  });
});
