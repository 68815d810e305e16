/**
 * @module components/postgres-cluster
 * PostgreSQL through CloudNativePG (ops-security.md §4: HA with failover, PodMonitor metrics; Bitnami images are no
 * longer maintained). Installs the operator from its pinned Helm chart into its own namespace, then declares a
 * `Cluster` in the app namespace. The operator generates the `<cluster>-app` Secret (keys `uri`, `host`, `username`,
 * `password`, `dbname`) the API, the migration Job and the backup CronJob read.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { CNPG_CHART } from '../versions';

export interface PostgresClusterArgs {
  namespace: pulumi.Input<string>;
  /** Cluster name; also the prefix of its Services (`<name>-rw`) and Secrets (`<name>-app`). */
  clusterName: string;
  /** Instances (1 primary + n−1 streaming replicas). */
  instances: number;
  imageName: string;
  storageSize: string;
  storageClass?: string;
  database: string;
  owner: string;
  operatorNamespace: string;
  /** Create a PodMonitor (needs the Prometheus Operator CRDs). */
  podMonitor: boolean;
}

export class PostgresCluster extends pulumi.ComponentResource {
  readonly clusterName: string;
  /** Secret with the application user's connection details (key `uri` is a postgresql:// URL). */
  readonly appSecretName: string;
  /** Read-write Service host inside the cluster. */
  readonly host: pulumi.Output<string>;

  constructor(name: string, args: PostgresClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('stockval:k8s:PostgresCluster', name, {}, opts);
    this.clusterName = args.clusterName;
    this.appSecretName = `${args.clusterName}-app`;

    // CloudNativePG operator (cluster-wide), pinned chart version.
    const operator = new k8s.helm.v3.Release(
      `${name}-operator`,
      {
        name: 'cnpg',
        chart: CNPG_CHART.chart,
        version: CNPG_CHART.version,
        repositoryOpts: { repo: CNPG_CHART.repo },
        namespace: args.operatorNamespace,
        createNamespace: true,
        atomic: true,
        values: { monitoring: { podMonitorEnabled: false } },
      },
      { parent: this },
    );

    // The database cluster itself.
    new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata: { name: args.clusterName, namespace: args.namespace },
        spec: {
          instances: args.instances,
          imageName: args.imageName,
          primaryUpdateStrategy: 'unsupervised',
          storage: {
            size: args.storageSize,
            ...(args.storageClass ? { storageClass: args.storageClass } : {}),
          },
          bootstrap: { initdb: { database: args.database, owner: args.owner } },
          resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } },
          monitoring: { enablePodMonitor: args.podMonitor },
        },
      },
      { parent: this, dependsOn: [operator] },
    );
    this.host = pulumi.interpolate`${args.clusterName}-rw.${args.namespace}.svc.cluster.local`;
    this.registerOutputs({ host: this.host, appSecretName: this.appSecretName });
  }
}
