/**
 * The ops files (ops/prometheus/*.yml, ops/grafana/dashboards/*.json) checked the way an operator would:
 * Debian's promtool validates the Prometheus config and the alert rules, runs the alert unit tests, and checks every
 * dashboard query as PromQL; and every metric a query or rule names must be one the app exports (from a real
 * scrape of the prom-client registry the Node server uses), or one of the two outside metrics we allow.
 *
 * Integration suite because it needs the `prometheus` Debian package (promtool); `.ci/run` installs it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createPrometheusMetrics } from './node/prometheus';
import { metricFamilies, metricNamesIn } from './prom-text';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const PROM_DIR = join(ROOT, 'ops/prometheus');
const DASH_DIR = join(ROOT, 'ops/grafana/dashboards');
const PROMTOOL = '/usr/bin/promtool';

/** Metrics the app does not export but the rules may use: Prometheus' own `up` and kube-state-metrics' restarts. */
const OUTSIDE_METRICS = new Set(['up', 'kube_pod_container_status_restarts_total']);

/** Everything the Node server's registry declares, with the histogram series suffixes. */
async function exportedNames(): Promise<Set<string>> {
  const metrics = createPrometheusMetrics({ version: 'test' });
  const text = (await metrics.exposition()).body;
  const names = new Set<string>();
  for (const family of metricFamilies(text)) {
    names.add(family);
    for (const suffix of ['_bucket', '_sum', '_count']) {
      names.add(family + suffix);
    }
  }
  return names;
}

function ruleExprs(): { name: string; expr: string }[] {
  const doc = YAML.parse(readFileSync(join(PROM_DIR, 'alert-rules.yml'), 'utf8')) as {
    groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
  };
  return doc.groups.flatMap((g) =>
    g.rules.map((r) => ({ name: r.alert ?? r.record ?? g.name, expr: r.expr })),
  );
}

interface Panel {
  title?: string;
  type?: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string }[];
  panels?: Panel[];
}

function dashboards(): { file: string; json: { uid?: string; title?: string; panels?: Panel[] } }[] {
  return readdirSync(DASH_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: f, json: JSON.parse(readFileSync(join(DASH_DIR, f), 'utf8')) }));
}

function dashboardExprs(): { name: string; expr: string }[] {
  const out: { name: string; expr: string }[] = [];
  const walk = (panels: Panel[] | undefined, file: string) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) {
        if (t.expr !== undefined) {
          out.push({ name: `${file}: ${p.title}`, expr: t.expr });
        }
      }
      walk(p.panels, file);
    }
  };
  for (const d of dashboards()) {
    walk(d.json.panels, d.file);
  }
  return out;
}

/** Grafana's variables replaced by values PromQL accepts. */
function concrete(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m').replaceAll('$job', '.*');
}

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(PROMTOOL, args, { cwd: ROOT });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'stockval-ops-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ops/prometheus', () => {
  it('prometheus.yml passes promtool check config (and finds the rule file)', async () => {
    const out = await promtool('check', 'config', join(PROM_DIR, 'prometheus.yml'));
    expect(out).toContain('SUCCESS: 1 rule files found');
    expect(out).toMatch(/is valid prometheus config file syntax/);
  });

  it('alert-rules.yml passes promtool check rules and has the required alerts', async () => {
    const out = await promtool('check', 'rules', join(PROM_DIR, 'alert-rules.yml'));
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
    const names = ruleExprs().map((r) => r.name);
    for (const required of [
      'StockvalHighErrorRate',
      'StockvalHighLatencyP95',
      'StockvalPodRestarting',
      'StockvalTushareFailing',
      'StockvalHealthDegraded',
      'StockvalUnhealthy',
    ]) {
      expect(names).toContain(required);
    }
  });

  it('the alert unit tests pass (promtool test rules)', async () => {
    const out = await promtool('test', 'rules', join(PROM_DIR, 'tests/alert-rules.test.yml'));
    expect(out).toContain('SUCCESS');
  });
});

describe('ops/grafana dashboards', () => {
  it('are valid dashboards whose panels use the datasource variable', () => {
    const all = dashboards();
    expect(all.map((d) => d.file)).toContain('stockval.json');
    for (const { json } of all) {
      expect(json.uid).toBeTruthy();
      expect(json.title).toBeTruthy();
      for (const p of json.panels ?? []) {
        if (p.type !== 'row') {
          expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
        }
      }
    }
    const titles = dashboards().flatMap((d) => (d.json.panels ?? []).map((p) => p.title));
    for (const t of [
      'Request rate by route',
      'p95 latency by route',
      'Error rate by status class',
      'Valuations',
      'Cache hit ratio',
      'TuShare requests by outcome',
    ]) {
      expect(titles).toContain(t);
    }
  });

  it('every dashboard query is valid PromQL (checked by promtool as recording rules)', async () => {
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThanOrEqual(15);
    const file = join(tmp, 'dashboard-queries.yml');
    writeFileSync(
      file,
      YAML.stringify({
        groups: [
          {
            name: 'dashboard',
            rules: exprs.map((e, i) => ({ record: `dashboard:query_${i}`, expr: concrete(e.expr) })),
          },
        ],
      }),
    );
    const out = await promtool('check', 'rules', file);
    expect(out).toContain(`SUCCESS: ${exprs.length} rules found`);
  });
});

describe('metric names in dashboards and alerts', () => {
  it('are all exported by the app (or explicitly allowed outside metrics)', async () => {
    const exported = await exportedNames();
    const unknown: string[] = [];
    for (const { name, expr } of [...ruleExprs(), ...dashboardExprs()]) {
      for (const metric of metricNamesIn(concrete(expr))) {
        if (!exported.has(metric) && !OUTSIDE_METRICS.has(metric)) {
          unknown.push(`${name}: ${metric}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it('the check notices a metric the app does not export', async () => {
    const exported = await exportedNames();
    const missing = metricNamesIn('sum(rate(http_requests_total[5m]))').filter((m) => !exported.has(m));
    expect(missing).toEqual(['http_requests_total']);
  });
});
