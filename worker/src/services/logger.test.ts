import { describe, expect, it } from 'vitest';
import { REDACTED } from '@/observability/redact';
import { createJsonLogger } from './logger';

function capture(level: 'debug' | 'info' = 'info', secrets: string[] = []) {
  const lines: string[] = [];
  const log = createJsonLogger({
    level,
    write: (l) => lines.push(l),
    now: () => 0,
    base: { service: 'stockval' },
    secrets,
  });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createJsonLogger', () => {
  it('writes one JSON object per line with time, level, msg, base and fields; filters by level', () => {
    const { log, parsed } = capture('info');
    log.debug('hidden');
    log.info('request', { route: '/health', status: 200 });
    log.error('boom', { status: 500 });
    expect(parsed()).toEqual([
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'info',
        msg: 'request',
        service: 'stockval',
        route: '/health',
        status: 200,
      },
      { time: '1970-01-01T00:00:00.000Z', level: 'error', msg: 'boom', service: 'stockval', status: 500 },
    ]);
  });

  it('redacts flat secret fields and credential patterns (the fast path never skips them)', () => {
    const { log, parsed } = capture();
    log.info('login', { email: 'a@example.com', password: 'hunter22hunter22' });
    log.info('call', { note: 'sent Authorization: Bearer abcdef123456' });
    log.info('connect postgres://u:pw-123456@db/x');
    log.info('plain', { route: '/api/v1/valuation', status: 200, via: 'session' });
    const [login, call, connect, plain] = parsed();
    expect(login?.password).toBe(REDACTED);
    expect(login?.email).toBe('a@example.com');
    expect(call?.note).toBe(`sent Authorization: Bearer ${REDACTED}`);
    expect(connect?.msg).toBe(`connect postgres://u:${REDACTED}@db/x`);
    expect(plain).toMatchObject({ route: '/api/v1/valuation', status: 200, via: 'session' });
  });

  it('scrubs configured secret values wherever they appear, even in innocent-looking fields', () => {
    const { log, lines } = capture('info', ['s3cr3t-value-42']);
    log.info('note', { comment: 'value s3cr3t-value-42 here' });
    expect(lines[0]).not.toContain('s3cr3t-value-42');
    expect(lines[0]).toContain(REDACTED);
  });

  it('survives unserializable fields and a throwing sink', () => {
    const { log, parsed } = capture();
    log.info('big', { n: 10n });
    expect(parsed()[0]).toMatchObject({ msg: 'big', n: '10' });
    const bad = createJsonLogger({
      write: () => {
        throw new Error('disk full');
      },
    });
    expect(() => bad.info('x')).not.toThrow();
  });
});
