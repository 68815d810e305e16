/**
 * `npm run sync` entry: argument/env parsing and one end-to-end run into an embedded database directory against
 * the fake TuShare server (run twice: the second run reports 0 new rows).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTushare, startFakeTushare } from '../../testing/fake-tushare';
import { loadDemoSubset } from '../../testing/fake-tushare-data';
import { main, parseSyncArgs } from './sync';

const TOKEN = 'cli-sync-token';
let fake: FakeTushare;
let dir: string;

beforeAll(async () => {
  fake = await startFakeTushare({ token: TOKEN, tables: await loadDemoSubset(['600519.SH', '000001.SZ']) });
  dir = await mkdtemp(join(tmpdir(), 'stockval-sync-cli-'));
});

afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('parseSyncArgs', () => {
  it('takes the environment and lets flags override it', () => {
    const a = parseSyncArgs(['--what', 'stock_basic,statements', '--since', '2020', '--points', '5000'], {
      TUSHARE_TOKEN: 'from-env',
      DATABASE_URL: 'postgres://u:p@db:5432/x',
    });
    expect(a).toMatchObject({
      what: ['stock_basic', 'statements'],
      since: 2020,
      daily: 'month_end',
      token: 'from-env',
      databaseUrl: 'postgres://u:p@db:5432/x',
      requestsPerMinute: 500,
    });
    const b = parseSyncArgs(
      ['--token', 'flag', '--tushare-url', 'http://127.0.0.1:1', '--codes', '600519.sh'],
      {},
    );
    expect(b).toMatchObject({
      token: 'flag',
      tushareUrl: 'http://127.0.0.1:1',
      codes: ['600519.SH'],
      requestsPerMinute: 200,
    });
    expect(b.what).toEqual(['stock_basic', 'daily_basic', 'statements', 'fina_indicator', 'dividend']);
  });

  it('explains bad input', () => {
    expect(() => parseSyncArgs([], {})).toThrow(/TUSHARE_TOKEN is not set/);
    expect(() => parseSyncArgs(['--what', 'prices'], { TUSHARE_TOKEN: 't' })).toThrow(
      /unknown item\(s\) prices/,
    );
    expect(() => parseSyncArgs(['--since', '19'], { TUSHARE_TOKEN: 't' })).toThrow(/--since must be a year/);
    expect(() => parseSyncArgs(['--daily', 'weekly'], { TUSHARE_TOKEN: 't' })).toThrow(/--daily/);
    expect(() => parseSyncArgs(['--codes', '600519'], { TUSHARE_TOKEN: 't' })).toThrow(/--codes/);
    expect(() => parseSyncArgs(['--bogus'], { TUSHARE_TOKEN: 't' })).toThrow();
  });
});

describe('main', () => {
  it('syncs into the embedded database, then reports 0 new on the second run', async () => {
    const argv = [
      '--what',
      'stock_basic,statements,daily_basic',
      '--since',
      '2025',
      '--quiet',
      '--data-dir',
      dir,
    ];
    const env = { TUSHARE_TOKEN: TOKEN, TUSHARE_API_URL: fake.url };
    const out: string[] = [];
    const io = { log: (s: string) => out.push(s), err: (s: string) => out.push(s) };
    expect(await main(argv, env, io)).toBe(0);
    const first = out.find((l) => l.startsWith('new '));
    expect(first).toMatch(/^new [1-9]\d*, updated 0, unchanged 0, failed 0 in /);
    out.length = 0;
    expect(await main(argv, env, io)).toBe(0);
    expect(out.find((l) => l.startsWith('new '))).toMatch(
      /^new 0, updated 0, unchanged [1-9]\d*, failed 0 in /,
    );
    expect(out.join('\n')).not.toContain(TOKEN);
  });

  it('exits 1 with the reason on a bad token, without printing it', async () => {
    const out: string[] = [];
    const io = { log: (s: string) => out.push(s), err: (s: string) => out.push(s) };
    const code = await main(
      ['--what', 'stock_basic', '--quiet', '--data-dir', dir, '--token', 'wrong-token-xyz'],
      {
        TUSHARE_API_URL: fake.url,
      },
      io,
    );
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/sync aborted: TuShare stock_basic failed \(code -2002\)/);
    expect(out.join('\n')).not.toContain('wrong-token-xyz');
  });
});
