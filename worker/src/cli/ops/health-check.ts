/**
 * @module cli/ops/health-check
 * `stockval ops health-check [--url http://localhost:8124]`: the guide's health_check.py / health_monitor.sh
 * against a running server. Calls /health/live, /health/ready and /health, prints each dependency, and exits 1 unless
 * the service is live, ready and not unhealthy (degraded = an optional dependency down, still exit 0).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type OpsContext, OpsError } from './context';

const HealthSchema = z.looseObject({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  version: z.string().optional(),
  data_source: z.string().optional(),
  dependencies: z
    .record(z.string(), z.looseObject({ status: z.string(), latency_ms: z.number().nullable().optional() }))
    .optional(),
});

async function probe(ctx: OpsContext, url: string, timeoutMs: number) {
  const started = ctx.now();
  try {
    const res = await ctx.fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return { status: res.status, text, ms: ctx.now() - started, error: undefined };
  } catch (err) {
    return { status: 0, text: '', ms: ctx.now() - started, error: (err as Error).message };
  }
}

export async function runHealthCheck(argv: string[], ctx: OpsContext): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, timeout: { type: 'string' } },
    strict: true,
  });
  const port = ctx.record.PORT ?? '8124';
  const base = (values.url ?? `http://localhost:${port}`).replace(/\/$/, '');
  const timeoutMs = Number(values.timeout ?? 5000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new OpsError('--timeout must be a positive number of milliseconds', 2);
  }
  const failures: string[] = [];
  for (const path of ['/health/live', '/health/ready']) {
    const r = await probe(ctx, `${base}${path}`, timeoutMs);
    const ok = r.status === 200;
    ctx.out(`${ok ? 'OK  ' : 'FAIL'} ${path.padEnd(14)} ${r.error ?? `HTTP ${r.status}`} (${r.ms} ms)`);
    if (!ok) {
      failures.push(`${path} ${r.error ?? `HTTP ${r.status}`}`);
    }
  }
  const r = await probe(ctx, `${base}/health`, timeoutMs);
  let body: unknown = null;
  try {
    body = JSON.parse(r.text);
  } catch {
    body = null;
  }
  const parsed = HealthSchema.safeParse(body);
  if (!parsed.success) {
    failures.push(`/health ${r.error ?? `HTTP ${r.status}, unexpected body`}`);
    ctx.out(`FAIL /health        ${r.error ?? `HTTP ${r.status}`}`);
  } else {
    const h = parsed.data;
    ctx.out(
      `${h.status === 'unhealthy' ? 'FAIL' : 'OK  '} /health        ${h.status} (version ${h.version ?? '?'}, data source ${h.data_source ?? '?'})`,
    );
    for (const [name, dep] of Object.entries(h.dependencies ?? {})) {
      ctx.out(
        `       ${name.padEnd(9)} ${dep.status}${dep.latency_ms == null ? '' : ` ${dep.latency_ms} ms`}`,
      );
    }
    if (h.status === 'unhealthy') {
      failures.push('/health reports unhealthy');
    }
  }
  if (failures.length > 0) {
    throw new OpsError(`health check FAILED for ${base}: ${failures.join('; ')}`);
  }
  ctx.out(`\n${base} is healthy`);
}
