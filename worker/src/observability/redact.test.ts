import { describe, expect, it } from 'vitest';
import { loadEnv } from '@/env';
import { collectSecrets, REDACTED, redactString, redactValue, scrubKnownSecrets } from './redact';

describe('redactString', () => {
  it.each([
    ['Authorization: Bearer abc.def-123_XYZ', 'Authorization: Bearer [REDACTED]'],
    ['basic dXNlcjpwYXNz', 'basic [REDACTED]'],
    ['postgres://app:s3cr3t-pw@db:5432/x', 'postgres://app:[REDACTED]@db:5432/x'],
    ['GET /x?token=abcdef&q=1', 'GET /x?token=[REDACTED]&q=1'],
    ['body {"password":"hunter22","email":"a@b.c"}', 'body {"password":"[REDACTED]","email":"a@b.c"}'],
    ['cookie sv_session=9f8e7d6c; sv_csrf=abc123', 'cookie sv_session=[REDACTED]; sv_csrf=[REDACTED]'],
    ['key sv_ab12cd34_Q2xhdWRlSXNOb3RBU2VjcmV0', 'key [REDACTED]'],
    [
      'session 0b6a1c1e-4b8e-4f7a-9d55-1e2f3a4b5c6d.c2VjcmV0c2VjcmV0c2VjcmV0',
      'session 0b6a1c1e-4b8e-4f7a-9d55-1e2f3a4b5c6d.[REDACTED]',
    ],
    ['api_key: sk-live-123456', 'api_key: [REDACTED]'],
  ])('%s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it('leaves ordinary text, request ids and ts_codes alone', () => {
    const s = 'request 0b6a1c1e-4b8e-4f7a-9d55-1e2f3a4b5c6d valued 600519.SH in 12 ms (prompt_tokens 812)';
    expect(redactString(s)).toBe(s);
  });
});

describe('redactValue', () => {
  it('replaces secret-named fields at any depth, keeps numbers and other fields', () => {
    const out = redactValue({
      email: 'a@example.com',
      password: 'correct horse battery staple',
      headers: { Authorization: 'Bearer x', cookie: 'sv_session=1', 'x-api-key': 'k', accept: 'json' },
      nested: [{ tushare_token: 'tok', prompt_tokens: 812 }],
      DEEPSEEK_API_KEY: 'sk-1',
      ok: true,
    });
    expect(out).toEqual({
      email: 'a@example.com',
      password: REDACTED,
      headers: { Authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, accept: 'json' },
      nested: [{ tushare_token: REDACTED, prompt_tokens: 812 }],
      DEEPSEEK_API_KEY: REDACTED,
      ok: true,
    });
  });

  it('turns errors into redacted fields and survives cycles', () => {
    const err = new Error('connect failed for postgres://u:pw123456@h/db');
    const cyclic: Record<string, unknown> = { err };
    cyclic.self = cyclic;
    const out = redactValue(cyclic) as { err: { message: string; stack: string }; self: unknown };
    expect(out.err.message).toBe('connect failed for postgres://u:[REDACTED]@h/db');
    expect(out.err.stack).not.toContain('pw123456');
    expect(out.self).toBe('[Circular]');
  });
});

describe('known secrets', () => {
  it('collects every secret of the parsed configuration', () => {
    const env = loadEnv({
      TUSHARE_TOKEN: 'ts-token-0123456789abcdef',
      DATABASE_URL: 'postgres://app:db%2Fpass-word@127.0.0.1:5432/x',
      REDIS_URL: 'redis://:redis-pass-123@127.0.0.1:6379/0',
      API_SECRET_KEY: 'api-secret-key-0123456789',
      LLM_PROVIDER: 'deepseek',
      DEEPSEEK_API_KEY: 'sk-deepseek-0123456789',
      METRICS_TOKEN: 'metrics-token-0123456789',
    });
    const secrets = collectSecrets(env);
    for (const s of [
      'ts-token-0123456789abcdef',
      'db/pass-word',
      'redis-pass-123',
      'api-secret-key-0123456789',
      'sk-deepseek-0123456789',
      'metrics-token-0123456789',
    ]) {
      expect(secrets).toContain(s);
    }
  });

  it('scrubs them from a serialized line, also in JSON-escaped form', () => {
    const line = JSON.stringify({ msg: 'upstream said: invalid token ts-token-0123456789 "q"uoted-secret"' });
    const out = scrubKnownSecrets(line, ['ts-token-0123456789', 'q"uoted-secret', 'short']);
    expect(out).not.toContain('ts-token-0123456789');
    expect(out).not.toContain('uoted-secret');
    expect(JSON.parse(out).msg).toBe(`upstream said: invalid token ${REDACTED} "${REDACTED}"`);
  });
});
