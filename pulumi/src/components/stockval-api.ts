/**
 * @module components/stockval-api
 * The API tier as in the deployment guide, hardened: ConfigMap + Secret, a migration Job that must finish before the
 * Deployment rolls (3 replicas, probes on /health/live and /health/ready, 500m/1Gi requests and 1 CPU/2Gi limits,
 * non-root read-only pods, surge-only rolling update), the Service, an HPA (2–10 at 70 % CPU / 80 % memory), a
 * PodDisruptionBudget and, when the Prometheus Operator is present, a ServiceMonitor.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from '../config';
import { API_PORT, apiProbes, hpaBehavior, rollingUpdate, shortHash } from '../lib/api-workload';
import { componentLabels, selectorLabels } from '../lib/labels';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../lib/pod-security';

export interface StockvalApiArgs {
  namespace: pulumi.Input<string>;
  /** Object name of the Deployment/Service/HPA/PDB, e.g. `stockval-api`. */
  appName: string;
  /** Pinned image built from ops/Dockerfile. */
  image: string;
  /** Initial replicas (the HPA owns the count afterwards). */
  replicas: number;
  resources: StackConfig['resources'];
  autoscaling: StackConfig['autoscaling'];
  pdbMinAvailable: number;
  /** Non-secret environment (ConfigMap). */
  config: Record<string, string>;
  /** Secret environment (Secret), e.g. TUSHARE_TOKEN. */
  secrets: Record<string, pulumi.Input<string>>;
  /** Secret holding the database URL (CloudNativePG `<cluster>-app`, key `uri`). */
  databaseSecret: { name: pulumi.Input<string>; key: string };
  /** Run `stockval migrate` in a Job before the Deployment changes. */
  migrate: boolean;
  /** Pass `--seed-demo` to the migration (loads the demo dataset into an empty database). */
  seedDemo?: boolean;
  /** ServiceMonitor labels (e.g. `{ release: 'kube-prometheus-stack' }`); omitted → no ServiceMonitor. */
  serviceMonitorLabels?: Record<string, string>;
  /** `secrets` holds METRICS_TOKEN: the ServiceMonitor sends it as a Bearer token. */
  metricsTokenInSecret?: boolean;
  /** Resources the ServiceMonitor must wait for (the operator's CRDs). */
  monitoringDependsOn?: pulumi.Resource[];
}

export class StockvalApi extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  /** `<service>.<namespace>.svc.cluster.local:8124`, the Nginx upstream. */
  readonly upstream: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;

  constructor(name: string, args: StockvalApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('stockval:k8s:StockvalApi', name, {}, opts);
    const labels = componentLabels(args.appName, 'api');
    const ns = args.namespace;

    // Non-secret configuration (env).
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: `${args.appName}-config`, namespace: ns, labels }, data: args.config },
      { parent: this },
    );

    // Secret configuration (env); values stay Pulumi secrets.
    const secret = new k8s.core.v1.Secret(
      `${name}-secrets`,
      {
        metadata: { name: `${args.appName}-secrets`, namespace: ns, labels },
        type: 'Opaque',
        stringData: args.secrets,
      },
      { parent: this },
    );

    const podSpecBase = (command?: string[]) => ({
      securityContext: restrictedPodSecurity(),
      automountServiceAccountToken: false,
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
      container: {
        image: args.image,
        ...(command ? { command } : {}),
        envFrom: [
          { configMapRef: { name: configMap.metadata.name } },
          { secretRef: { name: secret.metadata.name } },
        ],
        env: [
          {
            name: 'DATABASE_URL',
            valueFrom: { secretKeyRef: { name: args.databaseSecret.name, key: args.databaseSecret.key } },
          },
        ],
        securityContext: restrictedContainerSecurity(),
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    });

    // Migration Job: one per image (name carries the image hash), awaited by Pulumi before the Deployment updates.
    const dependsOn: pulumi.Resource[] = [];
    if (args.migrate) {
      const base = podSpecBase([
        'node',
        'bin/stockval.mjs',
        'migrate',
        ...(args.seedDemo ? ['--seed-demo'] : []),
      ]);
      const jobName = `${args.appName}-migrate-${shortHash(args.image)}`;
      const migrateLabels = componentLabels(`${args.appName}-migrate`, 'migrate');
      const job = new k8s.batch.v1.Job(
        `${name}-migrate`,
        {
          metadata: { name: jobName, namespace: ns, labels: migrateLabels },
          spec: {
            backoffLimit: 3,
            activeDeadlineSeconds: 600,
            template: {
              metadata: { labels: migrateLabels },
              spec: {
                restartPolicy: 'OnFailure',
                securityContext: base.securityContext,
                automountServiceAccountToken: false,
                volumes: base.volumes,
                containers: [
                  {
                    name: 'migrate',
                    ...base.container,
                    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
                  },
                ],
              },
            },
          },
        },
        { parent: this, deleteBeforeReplace: true },
      );
      dependsOn.push(job);
    }

    // Config changes roll the pods (env is read once at start).
    const checksum = pulumi
      .all([pulumi.output(args.config), pulumi.output(args.secrets)])
      .apply(([c, s]) => shortHash(JSON.stringify([c, s])));
    const base = podSpecBase();
    // API Deployment.
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: args.appName, namespace: ns, labels },
        spec: {
          replicas: args.replicas,
          revisionHistoryLimit: 10,
          strategy: rollingUpdate(),
          selector: { matchLabels: selectorLabels(args.appName) },
          template: {
            metadata: { labels, annotations: { 'stockval.dev/config-checksum': checksum } },
            spec: {
              securityContext: base.securityContext,
              automountServiceAccountToken: false,
              terminationGracePeriodSeconds: 30,
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: 'kubernetes.io/hostname',
                  whenUnsatisfiable: 'ScheduleAnyway',
                  labelSelector: { matchLabels: selectorLabels(args.appName) },
                },
              ],
              volumes: base.volumes,
              containers: [
                {
                  name: 'api',
                  ...base.container,
                  ports: [{ name: 'http', containerPort: API_PORT }],
                  resources: {
                    requests: args.resources.requests,
                    limits: {
                      memory: args.resources.limits.memory,
                      ...(args.resources.limits.cpu !== undefined ? { cpu: args.resources.limits.cpu } : {}),
                    },
                  },
                  ...apiProbes('http'),
                  // Endpoints drop the pod before it stops accepting connections.
                  lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
                },
              ],
            },
          },
        },
      },
      // The HPA owns spec.replicas once running.
      { parent: this, dependsOn, ignoreChanges: ['spec.replicas'] },
    );

    // ClusterIP Service (named port `http` for Nginx and the ServiceMonitor).
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: args.appName, namespace: ns, labels },
        spec: {
          type: 'ClusterIP',
          selector: selectorLabels(args.appName),
          ports: [{ name: 'http', port: API_PORT, targetPort: 'http', protocol: 'TCP' }],
        },
      },
      { parent: this },
    );

    // Horizontal autoscaling on CPU and memory utilisation of requests.
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-hpa`,
      {
        metadata: { name: args.appName, namespace: ns, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
          minReplicas: args.autoscaling.minReplicas,
          maxReplicas: args.autoscaling.maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: args.autoscaling.cpuUtilization },
              },
            },
            {
              type: 'Resource',
              resource: {
                name: 'memory',
                target: { type: 'Utilization', averageUtilization: args.autoscaling.memoryUtilization },
              },
            },
          ],
          behavior: hpaBehavior(args.autoscaling.scaleDownStabilizationSeconds),
        },
      },
      { parent: this },
    );

    // Voluntary disruptions (node drains) keep at least pdbMinAvailable pods serving.
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: { name: args.appName, namespace: ns, labels },
        spec: { minAvailable: args.pdbMinAvailable, selector: { matchLabels: selectorLabels(args.appName) } },
      },
      { parent: this },
    );

    // Prometheus scrape target (named port, /metrics, 30 s).
    if (args.serviceMonitorLabels !== undefined) {
      new k8s.apiextensions.CustomResource(
        `${name}-servicemonitor`,
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'ServiceMonitor',
          metadata: {
            name: args.appName,
            namespace: ns,
            labels: { ...labels, ...args.serviceMonitorLabels },
          },
          spec: {
            selector: { matchLabels: selectorLabels(args.appName) },
            namespaceSelector: { matchNames: [ns] },
            endpoints: [
              {
                port: 'http',
                path: '/metrics',
                interval: '30s',
                scrapeTimeout: '10s',
                ...(args.metricsTokenInSecret === true
                  ? {
                      authorization: {
                        type: 'Bearer',
                        credentials: { name: secret.metadata.name, key: 'METRICS_TOKEN' },
                      },
                    }
                  : {}),
              },
            ],
          },
        },
        { parent: this, dependsOn: args.monitoringDependsOn ?? [] },
      );
    }

    this.serviceName = service.metadata.name;
    this.deploymentName = deployment.metadata.name;
    this.upstream = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${API_PORT}`;
    this.registerOutputs({
      serviceName: this.serviceName,
      deploymentName: this.deploymentName,
      upstream: this.upstream,
    });
  }
}
