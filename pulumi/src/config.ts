/**
 * @module config
 * The stack configuration, read once and validated with one zod schema. Every value has a documented default, so
 * `pulumi config set stockval:image registry.example.com/stockval:0.1.0` plus the TLS secret name is a complete
 * configuration; `Pulumi.example.yaml` shows every key. Secrets (TuShare token, DeepSeek key, API key, Grafana
 * password) are read with `requireSecret`/`getSecret` so they stay encrypted in state and never appear in this object.
 */
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import { IMAGES } from './versions';

const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$/, 'a Kubernetes quantity, e.g. 500m or 1Gi');
const dnsName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS label (lower case, digits, -)');

/** Images must be pinned: a tag other than `latest` or a digest. */
const pinnedImage = z
  .string()
  .min(1)
  .refine((s) => /@sha256:[a-f0-9]{64}$/.test(s) || /:[\w][\w.-]*$/.test(s.split('/').pop() ?? ''), {
    message: 'needs a tag or digest (e.g. registry.example.com/stockval:0.1.0)',
  })
  .refine((s) => !s.endsWith(':latest'), { message: 'must not use :latest (pin a version or digest)' });

const ResourcesSchema = z.object({
  requests: z.object({ cpu: quantity, memory: quantity }),
  limits: z.object({ cpu: quantity.optional(), memory: quantity }),
});

/** Stack configuration with defaults (the `stockval:` namespace of the stack's config). */
const StackConfigBase = z.object({
  /** Namespace of the application (restricted pod security). Default `stockval`. */
  namespace: dnsName.default('stockval'),
  /** API image (built from ops/Dockerfile); required, pinned. */
  image: pinnedImage,
  /** Initial API replicas (the HPA takes over afterwards). Default 3, as in the deployment guide. */
  replicas: z.number().int().min(1).max(100).default(3),
  /** API requests/limits. Default requests 500m/1Gi, limits 1 CPU/2Gi (deployment guide). */
  resources: ResourcesSchema.default({
    requests: { cpu: '500m', memory: '1Gi' },
    limits: { cpu: '1', memory: '2Gi' },
  }),
  /** Horizontal autoscaling. Default 2–10 replicas at 70 % CPU / 80 % memory of requests. */
  autoscaling: z
    .object({
      minReplicas: z.number().int().min(1).default(2),
      maxReplicas: z.number().int().min(1).default(10),
      cpuUtilization: z.number().int().min(1).max(100).default(70),
      memoryUtilization: z.number().int().min(1).max(100).default(80),
      /** Seconds of lower load before scaling down (Kubernetes default 300). */
      scaleDownStabilizationSeconds: z.number().int().min(0).default(300),
    })
    .prefault({}),
  /** PodDisruptionBudget minAvailable for the API and Nginx. Default 1. */
  pdbMinAvailable: z.number().int().min(0).default(1),
  /** DATA_SOURCE of the API: `postgres` (default) or `hybrid` (needs the tushareToken secret). */
  dataSource: z.enum(['postgres', 'hybrid']).default('postgres'),
  /** Extra non-secret environment for the API (e.g. LOG_LEVEL, RATE_LIMIT_PER_MINUTE). Default none. */
  env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string()).default({}),
  /** Public host name served by Nginx (TLS certificate must match). Default `stockval.example.com`. */
  domain: z.string().min(1).default('stockval.example.com'),
  nginx: z
    .object({
      replicas: z.number().int().min(1).default(2),
      image: pinnedImage.default(IMAGES.nginx),
      /** Existing `kubernetes.io/tls` Secret in the namespace (e.g. issued by cert-manager). Default `stockval-tls`. */
      tlsSecretName: dnsName.default('stockval-tls'),
      /** Largest accepted request body (nginx `client_max_body_size`). Default `1m`. */
      clientMaxBodySize: z
        .string()
        .regex(/^\d+[kKmM]?$/)
        .default('1m'),
      /** Service type in front of Nginx. Default `LoadBalancer`. */
      serviceType: z.enum(['LoadBalancer', 'NodePort', 'ClusterIP']).default('LoadBalancer'),
    })
    .prefault({}),
  postgres: z
    .object({
      /** CloudNativePG instances (1 primary + replicas). Default 3. */
      instances: z.number().int().min(1).max(9).default(3),
      imageName: pinnedImage.default(IMAGES.postgres),
      storageSize: quantity.default('20Gi'),
      /** StorageClass for the volumes; default: the cluster's default class. */
      storageClass: z.string().optional(),
      database: z.string().default('stock_valuation'),
      owner: z.string().default('stockval'),
      /** Namespace of the operator (cluster-wide). Default `cnpg-system`. */
      operatorNamespace: dnsName.default('cnpg-system'),
    })
    .prefault({}),
  redis: z
    .object({
      image: pinnedImage.default(IMAGES.redis),
      /** Redis `maxmemory` (cache-only, allkeys-lru). Default `256mb`. */
      maxMemory: z.string().default('256mb'),
    })
    .prefault({}),
  monitoring: z
    .object({
      /** Install kube-prometheus-stack (set false when the cluster already runs the Prometheus Operator). */
      installStack: z.boolean().default(true),
      namespace: dnsName.default('monitoring'),
      /** Label the stack's Prometheus selects ServiceMonitors/PrometheusRules by (`release: <name>`). */
      releaseName: dnsName.default('kube-prometheus-stack'),
    })
    .prefault({}),
  backup: z
    .object({
      /** Cron schedule (UTC) of the logical pg_dump. Default 03:00 daily. */
      schedule: z.string().default('0 3 * * *'),
      /** Days a dump is kept on the backup volume. Default 30 (deployment guide). */
      retentionDays: z.number().int().min(1).default(30),
      storageSize: quantity.default('50Gi'),
      storageClass: z.string().optional(),
    })
    .prefault({}),
  /** kubeconfig context for the provider; default: the current context. */
  kubeContext: z.string().optional(),
  /** The migration Job also loads the bundled demo dataset into an empty database (trials). Default false. */
  seedDemo: z.boolean().default(false),
  /** Run the migration Job before each rollout. Default true. */
  migrate: z.boolean().default(true),
  /**
   * CIDRs the API may reach on 80/443 (TuShare, DeepSeek). Default: anywhere except private ranges; narrow it, or
   * point it at an egress proxy, where the cluster allows.
   */
  egressCidrs: z.array(z.string()).default(['0.0.0.0/0']),
});

/** Stack configuration with defaults and cross-field checks. */
export const StackConfigSchema = StackConfigBase.superRefine((c, ctx) => {
  if (c.autoscaling.minReplicas > c.autoscaling.maxReplicas) {
    ctx.addIssue({
      code: 'custom',
      path: ['autoscaling', 'minReplicas'],
      message: 'must not exceed maxReplicas',
    });
  }
  if (c.pdbMinAvailable >= c.autoscaling.minReplicas) {
    ctx.addIssue({
      code: 'custom',
      path: ['pdbMinAvailable'],
      message: 'must be below autoscaling.minReplicas, or nodes can never be drained',
    });
  }
});

export type StackConfig = z.output<typeof StackConfigSchema>;
export type StackConfigInput = z.input<typeof StackConfigSchema>;

/** Secrets of the stack, kept as Pulumi secret outputs. */
export interface StackSecrets {
  tushareToken?: pulumi.Output<string>;
  deepseekApiKey?: pulumi.Output<string>;
  apiSecretKey?: pulumi.Output<string>;
  grafanaAdminPassword?: pulumi.Output<string>;
  /** METRICS_TOKEN of the API; the ServiceMonitor then scrapes with it as a Bearer token. */
  metricsToken?: pulumi.Output<string>;
  /** PEM certificate chain and key for Nginx; when set, the stack creates the TLS Secret itself. */
  tls?: { cert: pulumi.Output<string>; key: pulumi.Output<string> };
}

/** Top-level keys read from the stack config (each an object or scalar in `Pulumi.<stack>.yaml`). */
const KEYS = Object.keys(StackConfigBase.shape);

/** A config value as written: JSON (objects, numbers, booleans) or a plain string. */
function readRaw(cfg: pulumi.Config, key: string): unknown {
  const text = cfg.get(key);
  if (text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Parses raw config values into {@link StackConfig}.
 * @throws {Error} listing every invalid key with the reason.
 */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
  const parsed = StackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  stockval:${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid stack configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Reads the `stockval:` stack configuration and secrets once.
 * @param cfg - defaults to `new pulumi.Config('stockval')`.
 */
export function loadStackConfig(cfg: pulumi.Config = new pulumi.Config('stockval')): {
  config: StackConfig;
  secrets: StackSecrets;
} {
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = readRaw(cfg, key);
    if (value !== undefined) {
      raw[key] = value;
    }
  }
  const config = parseStackConfig(raw);
  const secrets: StackSecrets = {};
  const tushare = cfg.getSecret('tushareToken');
  if (tushare !== undefined) {
    secrets.tushareToken = tushare;
  } else if (config.dataSource === 'hybrid') {
    throw new Error(
      'stockval:dataSource=hybrid needs `pulumi config set --secret stockval:tushareToken <token>`',
    );
  }
  const deepseek = cfg.getSecret('deepseekApiKey');
  if (deepseek !== undefined) {
    secrets.deepseekApiKey = deepseek;
  }
  const apiKey = cfg.getSecret('apiSecretKey');
  if (apiKey !== undefined) {
    secrets.apiSecretKey = apiKey;
  }
  const tlsCert = cfg.getSecret('tlsCertificate');
  const tlsKey = cfg.getSecret('tlsPrivateKey');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new Error('set both stockval:tlsCertificate and stockval:tlsPrivateKey (PEM), or neither');
  }
  if (tlsCert !== undefined && tlsKey !== undefined) {
    secrets.tls = { cert: tlsCert, key: tlsKey };
  }
  const metricsToken = cfg.getSecret('metricsToken');
  if (metricsToken !== undefined) {
    secrets.metricsToken = metricsToken;
  }
  const grafana = cfg.getSecret('grafanaAdminPassword');
  if (grafana !== undefined) {
    secrets.grafanaAdminPassword = grafana;
  }
  return { config, secrets };
}
