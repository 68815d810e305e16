/**
 * `stockval ops` commands in-process against the embedded default: one PGlite database with the demo dataset for
 * the whole file (PGlite start is the slow part), a local fake TuShare server for compare-sources and a real HTTP
 * server (port 0) for health-check. The clock is fixed the day after the dataset's latest market snapshot.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppDeps, createApp } from '@/app';
import { createPostgresSource } from '@/data/postgres-source';
import type { DatabaseHandle } from '@/db/client';
import { type Env, loadEnv } from '@/env';
import { createMemoryCache } from '@/lib/cache/memory';
import { SYSTEM_CLOCK } from '@/services/context';
import { databaseDatasetVersion } from '@/services/dataset-version';
import { createJsonLogger } from '@/services/logger';
import { openDemoDatabase, TEST_NOW } from '@/testing/app-harness';
import { type FakeTushare, startFakeTushare } from '../../testing/fake-tushare';
import { OPS_USAGE, runOps } from './ops';
import type { OpsContext, OpsStack } from './ops/context';
import { runCli } from './stockval';

let handle: DatabaseHandle;
let fake: FakeTushare;
let server: ServerType;
let serverUrl: string;
const TOKEN = 'ops-cli-token';

function stackFor(env: Env): OpsStack {
  const dataSource = createPostgresSource(handle.db, { kind: 'pglite' });
  const deps: Omit<AppDeps, 'web'> = {
    env,
    dataSource,
    cache: createMemoryCache({ maxEntries: 100 }),
    clock: { now: () => TEST_NOW },
    logger: createJsonLogger({ level: 'error', write: () => {} }),
    version: '0.0.0-test',
    datasetVersion: () => databaseDatasetVersion(handle.db),
    db: handle.db,
    healthChecks: { database: () => dataSource.ping() },
  };
  return { deps, close: async () => {} }; // the database is shared by the file
}

/** Runs a command; returns exit code and captured output. */
async function ops(argv: string[], record: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: OpsContext = {
    record,
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    open: async (env) => stackFor(env),
    fetch: globalThis.fetch.bind(globalThis),
    now: () => TEST_NOW,
  };
  const code = await runOps(argv, ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  handle = await openDemoDatabase();
  fake = await startFakeTushare({ token: TOKEN, codes: ['600519.SH'] });
  const app = createApp({ ...stackFor(loadEnv({})).deps, clock: SYSTEM_CLOCK });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await fake?.close();
  await handle?.close();
});

describe('stockval ops (dispatch)', () => {
  it('prints usage with exit 2 without a command, 0 for help', async () => {
    expect((await ops([])).code).toBe(2);
    const help = await ops(['help']);
    expect(help.code).toBe(0);
    expect(help.out).toBe(OPS_USAGE);
  });

  it('rejects unknown commands and flags with exit 2', async () => {
    expect(await ops(['nope'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown ops command "nope"'),
    });
    expect(await ops(['data-quality-check', '--bogus'])).toMatchObject({ code: 2 });
  });

  it('is reachable as `stockval ops` and `stockval migrate`', async () => {
    const lines: string[] = [];
    const io = { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) };
    expect(await runCli(['ops', 'help'], {}, io)).toBe(0);
    expect(await runCli(['migrate', '--help'], {}, io)).toBe(0);
    expect(lines.join('\n')).toContain('Usage: stockval migrate');
  });
});

describe('validate-config', () => {
  it('accepts the embedded default and lists effective settings and warnings', async () => {
    const r = await ops(['validate-config'], { DATA_DIR: '/tmp/x' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('configuration OK');
    expect(r.out).toMatch(/DATA_SOURCE\s+pglite/);
    expect(r.out).toContain('API_SECRET_KEY is not set');
  });

  it('redacts secrets', async () => {
    const r = await ops(['validate-config'], {
      DATABASE_URL: 'postgres://u:hunter2@db:5432/x',
      TUSHARE_TOKEN: 'tok-secret',
      API_SECRET_KEY: 'k'.repeat(32),
    });
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('hunter2');
    expect(r.out).not.toContain('tok-secret');
    expect(r.out).toContain('postgres://u:***@db:5432/x');
  });

  it('names every bad variable, exit 2', async () => {
    const r = await ops(['validate-config'], { PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('PORT got "eighty"');
    expect(r.err).toContain('LOG_LEVEL got "loud"');
    const cross = await ops(['validate-config'], { DATA_SOURCE: 'postgres' });
    expect(cross.code).toBe(2);
    expect(cross.err).toContain('DATA_SOURCE=postgres needs a database');
  });

  it('fails on warnings with --strict', async () => {
    expect((await ops(['validate-config', '--strict'])).code).toBe(1);
  });
});

describe('test-data-source', () => {
  it('pings the database and loads a company end to end', async () => {
    const r = await ops(['test-data-source', '--ts_code', '600519.SH']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/database\s+up/);
    expect(r.out).toContain('600519.SH 贵州茅台 loaded');
    expect(r.out).toContain('data source OK');
  });

  it('fails for a company the source does not have', async () => {
    const r = await ops(['test-data-source', '--ts_code', '999999.SH']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('999999.SH is not in the data source');
  });
});

describe('diagnose-valuation', () => {
  it('shows inputs, data quality, warnings and the assumptions trace', async () => {
    const r = await ops(['diagnose-valuation', '--ts_code', '600519.SH']);
    expect(r.code).toBe(0);
    for (const section of [
      'Inputs',
      'Result',
      'Data quality',
      'missing items',
      'Warnings',
      'Assumptions trace',
    ]) {
      expect(r.out).toContain(section);
    }
    expect(r.out).toMatch(/wacc|discount_rate/i);
  });

  it('emits the same as JSON, every trace entry with its source', async () => {
    const r = await ops(['diagnose-valuation', '--ts_code', '600519.sh', '--json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out);
    expect(body.inputs.ts_code).toBe('600519.SH');
    expect(body.inputs.annual_income_periods.length).toBeGreaterThan(0);
    expect(body.result.assumptions_trace.length).toBeGreaterThan(0);
    for (const t of body.result.assumptions_trace) {
      expect(typeof t.source).toBe('string');
    }
    expect(body.result.data_quality.latest_annual_end_date).toMatch(/^\d{8}$/);
    expect(body.error).toBeNull();
  });

  it('exit 2 without --ts_code, 1 for an unknown company', async () => {
    expect((await ops(['diagnose-valuation'])).code).toBe(2);
    const r = await ops(['diagnose-valuation', '--ts_code', '999999.SH']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('not in the pglite data source');
  });
});

describe('data-quality-check', () => {
  it('reports table sizes and checks over the whole market', async () => {
    const r = await ops(['data-quality-check', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.tables.stock_basic).toBeGreaterThan(5000);
    expect(report.latest_trade_date).toBe('20260313');
    const names = report.checks.map((c: { name: string }) => c.name);
    expect(names).toContain('no annual income statement');
    expect(report.checks.find((c: { name: string }) => c.name === 'latest trade date').status).toBe('OK');
  });

  it('restricts to given companies and flags staleness', async () => {
    const r = await ops(['data-quality-check', '--ts_code', '600519.SH', '--stale-days', '0']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/OK\s+companies in stock_basic: 1 e\.g\. 600519\.SH/);
    expect(r.out).toMatch(/WARN latest trade date: 1 \(20260313, 1 day\(s\) old/);
  });
});

describe('compare-sources', () => {
  const env = () => ({ TUSHARE_TOKEN: TOKEN, TUSHARE_API_URL: fake.url });

  it('values the company from TuShare and the database side by side (G9 metrics)', async () => {
    const r = await ops(['compare-sources', '--ts', '600519.SH', '--json', '--max-diff', '0.000001'], env());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out);
    const metrics = body.rows.map((x: { metric: string }) => x.metric);
    expect(metrics).toEqual(
      expect.arrayContaining(['BS base date', 'revenue CAGR', 'latest EBITDA', 'WACC', 'EV', 'VPS']),
    );
    const row = (m: string) => body.rows.find((x: { metric: string }) => x.metric === m);
    expect(row('BS base date').tushare).toBe(row('BS base date').database);
    expect(typeof row('VPS').tushare).toBe('number');
    expect(fake.count()).toBeGreaterThan(0);
  });

  it('prints a readable table', async () => {
    const r = await ops(['compare-sources', '--ts', '600519.SH'], env());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/metric\s+TuShare\s+database\s+diff/);
    expect(r.out).toMatch(/WACC\s+\d+\.\d{3}%\s+\d+\.\d{3}%/);
  });

  it('needs a token (exit 2)', async () => {
    const r = await ops(['compare-sources', '--ts', '600519.SH']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('TUSHARE_TOKEN');
  });
});

describe('health-check', () => {
  it('passes against a running server', async () => {
    const r = await ops(['health-check', '--url', serverUrl]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/OK\s+\/health\/live\s+HTTP 200/);
    expect(r.out).toMatch(/database\s+up/);
  });

  it('fails when nothing listens', async () => {
    const r = await ops(['health-check', '--url', 'http://127.0.0.1:1', '--timeout', '500']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('health check FAILED');
  });
});

describe('backup / restore without PostgreSQL', () => {
  it('explains that they need DATABASE_URL (exit 2)', async () => {
    const r = await ops(['backup', '--out', '/tmp/never']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('need PostgreSQL');
    expect((await ops(['restore'])).code).toBe(2);
  });
});
