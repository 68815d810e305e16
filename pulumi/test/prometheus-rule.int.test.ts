/**
 * What Pulumi deploys as the PrometheusRule spec (the groups parsed from ops/prometheus/alert-rules.yml), written
 * back to a rule file and checked with promtool: parsing and re-serialising must not change what Prometheus accepts.
 * The dashboard ConfigMap data must still be valid JSON dashboards. Skipped while the observability files or
 * promtool are missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readDashboards, readRuleGroups } from '../src/lib/monitoring';

const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
const groups = readRuleGroups();
const dir = mkdtempSync(join(tmpdir(), 'stockval-rules-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(PROMTOOL === undefined || groups === null)('PrometheusRule spec', () => {
  it('passes promtool check rules', () => {
    const file = join(dir, 'rules.yml');
    writeFileSync(file, stringify({ groups }));
    const out = execFileSync(PROMTOOL as string, ['check', 'rules', file], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('carries alerting rules with expressions', () => {
    const rules = (groups ?? []).flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(typeof r.expr).toBe('string');
    }
  });
});

describe('dashboard ConfigMap data', () => {
  it('holds JSON dashboards with panels', () => {
    for (const [key, text] of Object.entries(readDashboards())) {
      const d = JSON.parse(text) as { panels?: unknown[]; dashboard?: { panels?: unknown[] } };
      expect(Array.isArray(d.panels ?? d.dashboard?.panels), key).toBe(true);
    }
  });
});
