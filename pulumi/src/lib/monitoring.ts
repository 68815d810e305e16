/**
 * @module lib/monitoring
 * Turns the observability files in ops/ into Kubernetes objects: the Prometheus rule file becomes a PrometheusRule
 * spec (its `groups`, unchanged) and each Grafana dashboard JSON becomes one key of a sidecar-discovered ConfigMap.
 * The files evolve independently of this stack, so parsing is tolerant: anything that is a rule file or a JSON
 * document is accepted, a missing file yields nothing (and the component says so with a warning).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';
import { OPS_FILES } from './paths';

export interface RuleGroup {
  name: string;
  rules: Record<string, unknown>[];
  [key: string]: unknown;
}

/**
 * Parses a Prometheus rule file.
 * @returns the groups, or null when the file does not exist.
 * @throws {Error} when the file exists but has no `groups` list of named groups with `rules`.
 */
export function readRuleGroups(path: string = OPS_FILES.alertRules): RuleGroup[] | null {
  if (!existsSync(path)) {
    return null;
  }
  const doc = parse(readFileSync(path, 'utf8')) as { groups?: unknown } | null;
  const groups = doc?.groups;
  if (!Array.isArray(groups)) {
    throw new Error(`${path}: expected a Prometheus rule file with a top-level "groups" list`);
  }
  for (const g of groups) {
    if (typeof g !== 'object' || g === null || typeof g.name !== 'string' || !Array.isArray(g.rules)) {
      throw new Error(`${path}: every group needs a "name" and a "rules" list`);
    }
  }
  return groups as RuleGroup[];
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) {
    return [];
  }
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      out.push(...jsonFiles(p));
    } else if (entry.endsWith('.json')) {
      out.push(p);
    }
  }
  return out;
}

/**
 * Reads every dashboard JSON under ops/grafana/ (recursively).
 * @returns ConfigMap data: key = file path below the dir with `/` → `_` (ConfigMap keys allow no slash), value = the
 *   file's text (validated as JSON, kept verbatim).
 * @throws {Error} when a file is not valid JSON.
 */
export function readDashboards(dir: string = OPS_FILES.grafanaDir): Record<string, string> {
  const data: Record<string, string> = {};
  for (const file of jsonFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    try {
      JSON.parse(text);
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
    }
    const key = relative(dir, file).split('/').join('_') || basename(file);
    data[key] = text;
  }
  return data;
}

/**
 * Helm values for kube-prometheus-stack. The `*NilUsesHelmValues: false` switches make Prometheus pick up
 * ServiceMonitors, PodMonitors (CloudNativePG) and PrometheusRules from every namespace, not only the chart's own.
 */
export function kubePrometheusStackValues(opts: {
  grafanaAdminSecret?: string;
  retention?: string;
}): Record<string, unknown> {
  return {
    crds: { enabled: true },
    prometheus: {
      prometheusSpec: {
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        retention: opts.retention ?? '15d',
      },
    },
    grafana: {
      ...(opts.grafanaAdminSecret !== undefined
        ? {
            admin: {
              existingSecret: opts.grafanaAdminSecret,
              userKey: 'admin-user',
              passwordKey: 'admin-password',
            },
          }
        : {}),
      sidecar: {
        dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' },
      },
    },
  };
}
