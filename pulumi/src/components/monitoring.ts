/**
 * @module components/monitoring
 * kube-prometheus-stack from its pinned chart (Prometheus, Alertmanager, Grafana, kube-state-metrics), plus the
 * project's own alert rules (ops/prometheus/alert-rules.yml → PrometheusRule) and dashboards (ops/grafana/*.json →
 * a ConfigMap the Grafana sidecar loads). CRDs are applied server-side by the provider, which avoids the
 * 262,144-byte annotation limit the chart's CRDs exceed with client-side apply.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PART_OF } from '../lib/labels';
import { kubePrometheusStackValues, readDashboards, readRuleGroups } from '../lib/monitoring';
import { KUBE_PROMETHEUS_STACK_CHART } from '../versions';

export interface MonitoringArgs {
  /** Namespace of the monitoring stack (not restricted: node-exporter needs host access). */
  namespace: string;
  /** Namespace of the app (PrometheusRule lives next to the ServiceMonitor). */
  appNamespace: pulumi.Input<string>;
  /** Helm release name; Prometheus selects rules/monitors labelled `release: <name>`. */
  releaseName: string;
  /** Install the chart (false: the cluster already runs the Prometheus Operator). */
  installStack: boolean;
  grafanaAdminPassword?: pulumi.Input<string>;
  /** Override the files read (tests). */
  alertRulesPath?: string;
  dashboardsDir?: string;
}

export class Monitoring extends pulumi.ComponentResource {
  /** Labels monitoring objects carry so this Prometheus selects them. */
  readonly selectorLabels: Record<string, string>;
  /** Resources that provide the CRDs (ServiceMonitor/PrometheusRule must wait for them). */
  readonly crdProviders: pulumi.Resource[];
  /** Rule groups loaded (0 when the file is missing). */
  readonly ruleGroupCount: number;
  readonly dashboardCount: number;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super('stockval:k8s:Monitoring', name, {}, opts);
    this.selectorLabels = { release: args.releaseName };
    this.crdProviders = [];
    const labels = { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'pulumi' };

    // The monitoring namespace, created here (not by Helm) so the Grafana secret can exist before the chart.
    // Not restricted: node-exporter needs host access. With installStack=false it must already exist.
    const namespace = args.installStack
      ? new k8s.core.v1.Namespace(
          `${name}-ns`,
          { metadata: { name: args.namespace, labels } },
          { parent: this },
        ).metadata.name
      : pulumi.output(args.namespace);

    let adminSecret: k8s.core.v1.Secret | undefined;
    if (args.grafanaAdminPassword !== undefined) {
      // Grafana admin credentials from the stack's secret config instead of the chart's default password.
      adminSecret = new k8s.core.v1.Secret(
        `${name}-grafana-admin`,
        {
          metadata: { name: 'grafana-admin', namespace, labels },
          stringData: { 'admin-user': 'admin', 'admin-password': args.grafanaAdminPassword },
        },
        { parent: this },
      );
    }

    if (args.installStack) {
      // kube-prometheus-stack, pinned.
      const release = new k8s.helm.v3.Release(
        `${name}-kps`,
        {
          name: args.releaseName,
          chart: KUBE_PROMETHEUS_STACK_CHART.chart,
          version: KUBE_PROMETHEUS_STACK_CHART.version,
          repositoryOpts: { repo: KUBE_PROMETHEUS_STACK_CHART.repo },
          namespace,
          timeout: 900,
          values: kubePrometheusStackValues(
            adminSecret !== undefined ? { grafanaAdminSecret: 'grafana-admin' } : {},
          ),
        },
        { parent: this, dependsOn: adminSecret ? [adminSecret] : [] },
      );
      this.crdProviders.push(release);
    }

    const groups = readRuleGroups(args.alertRulesPath);
    this.ruleGroupCount = groups?.length ?? 0;
    if (groups === null) {
      pulumi.log.warn('ops/prometheus/alert-rules.yml not found: no PrometheusRule created', this);
    } else {
      // The project's alert rules, unchanged from the rule file promtool checks.
      new k8s.apiextensions.CustomResource(
        `${name}-rules`,
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'PrometheusRule',
          metadata: {
            name: 'stockval-alerts',
            namespace: args.appNamespace,
            labels: { ...labels, ...this.selectorLabels },
          },
          spec: { groups },
        },
        { parent: this, dependsOn: this.crdProviders },
      );
    }

    const dashboards = readDashboards(args.dashboardsDir);
    this.dashboardCount = Object.keys(dashboards).length;
    if (this.dashboardCount > 0) {
      // Dashboards picked up by the Grafana sidecar (label grafana_dashboard=1).
      new k8s.core.v1.ConfigMap(
        `${name}-dashboards`,
        {
          metadata: {
            name: 'stockval-dashboards',
            namespace,
            labels: { ...labels, grafana_dashboard: '1' },
          },
          data: dashboards,
        },
        { parent: this, dependsOn: this.crdProviders },
      );
    } else {
      pulumi.log.warn('no dashboards under ops/grafana/: no dashboard ConfigMap created', this);
    }
    this.registerOutputs({ ruleGroupCount: this.ruleGroupCount, dashboardCount: this.dashboardCount });
  }
}
