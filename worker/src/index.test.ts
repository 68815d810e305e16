import { describe, expect, it } from 'vitest';
import { parseBindings } from './edge/bindings';
import { NODE_ONLY_PACKAGES, packageOf, workerGraph } from './edge/worker-bundle';
import { EnvError } from './env';
import worker from './index';

const GOOD = {
  DATABASE_URL: 'postgres://u:p@ep-x.neon.tech/db',
  UPSTASH_REDIS_REST_URL: 'https://x.upstash.io',
  UPSTASH_REDIS_REST_TOKEN: 't0ken',
};

describe('Workers entry: bindings', () => {
  it('answers 500 BAD_ENVIRONMENT naming every missing binding and its fix', async () => {
    const res = await worker.fetch(new Request('http://x/health'), { DATA_SOURCE: 'postgres' });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; details: string[]; request_id: string } };
    expect(body.error.code).toBe('BAD_ENVIRONMENT');
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
    const text = body.error.details.join('\n');
    for (const name of ['DATABASE_URL', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN']) {
      expect(text).toContain(`wrangler secret put ${name}`);
    }
  });

  it('never echoes binding values', async () => {
    const res = await worker.fetch(new Request('http://x/'), {
      ...GOOD,
      UPSTASH_REDIS_REST_URL: 'ftp://secret-host',
    });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).toContain('UPSTASH_REDIS_REST_URL');
    expect(text).not.toContain('secret-host');
  });

  it('validates shared variables with the Node parser (DATA_SOURCE=hybrid needs TUSHARE_TOKEN)', () => {
    expect(() => parseBindings({ ...GOOD, DATA_SOURCE: 'hybrid' })).toThrow(/TUSHARE_TOKEN/);
  });

  it('rejects DATA_SOURCE=pglite (no file system on Workers)', () => {
    expect(() => parseBindings({ ...GOOD, DATA_SOURCE: 'pglite' })).toThrow(EnvError);
  });

  it('accepts a complete set and infers postgres from DATABASE_URL', () => {
    const { env, edge } = parseBindings({ ...GOOD, ASSETS: { fetch: async () => new Response('') } });
    expect(env.dataSource).toBe('postgres');
    expect(edge.DATABASE_URL).toBe(GOOD.DATABASE_URL);
    expect(edge.ASSETS).toBeDefined();
  });

  it('rejects an ASSETS binding that is not a fetcher', () => {
    expect(() => parseBindings({ ...GOOD, ASSETS: 'web' })).toThrow(/ASSETS/);
  });
});

describe('Workers bundle: no Node-only code reachable from index.ts', () => {
  it('imports no node:* module, no Node-only package and none of the Node-only files', async () => {
    const graph = await workerGraph();
    expect(graph.externals.filter((p) => p.startsWith('node:') || !p.startsWith('cloudflare:'))).toEqual([]);
    const packages = new Set(graph.inputs.map(packageOf).filter((p): p is string => p !== null));
    for (const p of NODE_ONLY_PACKAGES) {
      expect(packages.has(p), `${p} is in the Worker bundle`).toBe(false);
    }
    const ours = graph.inputs.filter((f) => f.startsWith('worker/src/'));
    const nodeOnly = /^worker\/src\/(node\.ts|cli\/|db\/(client|migrate|seed)\.ts|lib\/cache\/redis\.ts)/;
    expect(ours.filter((f) => nodeOnly.test(f))).toEqual([]);
    // The app itself is in there (guards against an empty graph passing vacuously).
    expect(ours).toContain('worker/src/app.ts');
    expect(packages.has('@neondatabase/serverless')).toBe(true);
    expect(packages.has('@upstash/redis')).toBe(true);
  });

  it('would catch it: the graph of the Node entry does contain Node-only packages', async () => {
    const graph = await workerGraph('worker/src/node.ts');
    const packages = new Set(graph.inputs.map(packageOf));
    expect(packages.has('pg') || packages.has('@electric-sql/pglite')).toBe(true);
    expect(graph.externals.some((p) => p.startsWith('node:') || p === 'net')).toBe(true);
  });
});
