/**
 * @module stack
 * Composes the whole self-hosted stack from the typed config: one explicit Kubernetes provider (server-side apply)
 * passed to every component. `index.ts` only calls {@link createStack}; tests call it under Pulumi mocks.
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { AppNamespace } from './components/app-namespace';
import { Monitoring } from './components/monitoring';
import { NetworkPolicies } from './components/network-policies';
import { NginxProxy } from './components/nginx-proxy';
import { PgDumpBackup } from './components/pg-dump-backup';
import { PostgresCluster } from './components/postgres-cluster';
import { RedisCache } from './components/redis-cache';
import { StockvalApi } from './components/stockval-api';
import type { StackConfig, StackSecrets } from './config';
import { apiConfigData } from './lib/api-workload';

/** Object names inside the namespace (stable: Nginx, NetworkPolicies and docs refer to them). */
export const NAMES = {
  api: 'stockval-api',
  nginx: 'stockval-nginx',
  redis: 'stockval-redis',
  postgres: 'stockval-pg',
  backup: 'stockval-backup',
} as const;

export interface StackOutputs {
  namespace: pulumi.Output<string>;
  apiService: pulumi.Output<string>;
  apiDeployment: pulumi.Output<string>;
  nginxService: pulumi.Output<string>;
  nginxConf: pulumi.Output<string>;
  databaseHost: pulumi.Output<string>;
  redisUrl: pulumi.Output<string>;
  backupCronJob: pulumi.Output<string>;
}

/**
 * Creates every resource of the stack.
 * @param config - validated stack configuration (see config.ts for defaults).
 * @param secrets - secret outputs (TuShare token, DeepSeek key, API key, Grafana password).
 */
export function createStack(config: StackConfig, secrets: StackSecrets = {}): StackOutputs {
  // Explicit provider: every resource goes through it, never the ambient default provider.
  const provider = new k8s.Provider('stockval-k8s', {
    enableServerSideApply: true,
    ...(config.kubeContext !== undefined ? { context: config.kubeContext } : {}),
  });
  const opts = { providers: { kubernetes: provider } };

  const ns = new AppNamespace('stockval-namespace', { name: config.namespace }, opts);
  const namespace = ns.namespaceName;

  const monitoring = new Monitoring(
    'stockval-monitoring',
    {
      namespace: config.monitoring.namespace,
      appNamespace: namespace,
      releaseName: config.monitoring.releaseName,
      installStack: config.monitoring.installStack,
      ...(secrets.grafanaAdminPassword !== undefined
        ? { grafanaAdminPassword: secrets.grafanaAdminPassword }
        : {}),
    },
    opts,
  );

  const postgres = new PostgresCluster(
    'stockval-postgres',
    {
      namespace,
      clusterName: NAMES.postgres,
      instances: config.postgres.instances,
      imageName: config.postgres.imageName,
      storageSize: config.postgres.storageSize,
      ...(config.postgres.storageClass !== undefined ? { storageClass: config.postgres.storageClass } : {}),
      database: config.postgres.database,
      owner: config.postgres.owner,
      operatorNamespace: config.postgres.operatorNamespace,
      podMonitor: true,
    },
    { ...opts, dependsOn: monitoring.crdProviders },
  );

  const redis = new RedisCache(
    'stockval-redis',
    { namespace, appName: NAMES.redis, image: config.redis.image, maxMemory: config.redis.maxMemory },
    opts,
  );

  const secretEnv: Record<string, pulumi.Input<string>> = {};
  if (secrets.tushareToken !== undefined) {
    secretEnv.TUSHARE_TOKEN = secrets.tushareToken;
  }
  if (secrets.deepseekApiKey !== undefined) {
    secretEnv.DEEPSEEK_API_KEY = secrets.deepseekApiKey;
  }
  if (secrets.apiSecretKey !== undefined) {
    secretEnv.API_SECRET_KEY = secrets.apiSecretKey;
  }
  if (secrets.metricsToken !== undefined) {
    secretEnv.METRICS_TOKEN = secrets.metricsToken;
  }

  const api = new StockvalApi(
    'stockval-api',
    {
      namespace,
      appName: NAMES.api,
      image: config.image,
      replicas: config.replicas,
      resources: config.resources,
      autoscaling: config.autoscaling,
      pdbMinAvailable: config.pdbMinAvailable,
      config: apiConfigData({
        dataSource: config.dataSource,
        redisUrl: `redis://${NAMES.redis}:6379/0`,
        apiBaseUrl: `https://${config.domain}`,
        extra: config.env,
      }),
      secrets: secretEnv,
      databaseSecret: { name: postgres.appSecretName, key: 'uri' },
      migrate: config.migrate,
      seedDemo: config.seedDemo,
      serviceMonitorLabels: monitoring.selectorLabels,
      metricsTokenInSecret: secrets.metricsToken !== undefined,
      monitoringDependsOn: monitoring.crdProviders,
    },
    { ...opts, dependsOn: [postgres, redis] },
  );

  const nginx = new NginxProxy(
    'stockval-nginx',
    {
      namespace,
      appName: NAMES.nginx,
      image: config.nginx.image,
      replicas: config.nginx.replicas,
      upstream: api.upstream,
      serverName: config.domain,
      tlsSecretName: config.nginx.tlsSecretName,
      ...(secrets.tls !== undefined ? { tls: secrets.tls } : {}),
      clientMaxBodySize: config.nginx.clientMaxBodySize,
      serviceType: config.nginx.serviceType,
      pdbMinAvailable: Math.min(config.pdbMinAvailable, config.nginx.replicas - 1),
    },
    opts,
  );

  const backup = new PgDumpBackup(
    'stockval-backup',
    {
      namespace,
      appName: NAMES.backup,
      image: config.postgres.imageName,
      schedule: config.backup.schedule,
      retentionDays: config.backup.retentionDays,
      storageSize: config.backup.storageSize,
      ...(config.backup.storageClass !== undefined ? { storageClass: config.backup.storageClass } : {}),
      databaseSecretName: postgres.appSecretName,
    },
    { ...opts, dependsOn: [postgres] },
  );

  new NetworkPolicies(
    'stockval-netpol',
    {
      namespace,
      api: NAMES.api,
      nginx: NAMES.nginx,
      redis: NAMES.redis,
      migrate: `${NAMES.api}-migrate`,
      backup: NAMES.backup,
      postgresCluster: NAMES.postgres,
      monitoringNamespace: config.monitoring.namespace,
      operatorNamespace: config.postgres.operatorNamespace,
      egressCidrs: config.egressCidrs,
    },
    opts,
  );

  return {
    namespace,
    apiService: api.serviceName,
    apiDeployment: api.deploymentName,
    nginxService: nginx.serviceName,
    nginxConf: nginx.nginxConf,
    databaseHost: postgres.host,
    redisUrl: redis.url,
    backupCronJob: backup.cronJobName,
  };
}
