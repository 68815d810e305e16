/**
 * The whole stack under Pulumi mocks: asserts on the recorded inputs of every resource the deployment guide and
 * ops-security.md §4 ask for, then renders them to manifests and validates each core kind offline against the
 * Kubernetes OpenAPI schemas (kubernetes-models). The observability files in ops/ evolve separately, so the
 * PrometheusRule/dashboard checks compare against whatever is on disk.
 */
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDashboards, readRuleGroups } from '../src/lib/monitoring';
import {
  byName,
  installMocks,
  ofType,
  type RecordedResource,
  recorded,
  renderManifests,
  settle,
} from './pulumi-mocks';

// biome-ignore lint/suspicious/noExplicitAny: tests navigate arbitrary manifest trees
type Obj = Record<string, any>;

const NS = 'stockval';
let outputs: Record<string, pulumi.Output<unknown>>;

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply(r));

beforeAll(async () => {
  await installMocks(pulumi.runtime);
  const { parseStackConfig } = await import('../src/config');
  const { createStack } = await import('../src/stack');
  const config = parseStackConfig({
    image: 'registry.example.com/stockval:0.1.0',
    domain: 'valuation.example.com',
  });
  outputs = createStack(config, {
    tushareToken: pulumi.secret('ts-token'),
    grafanaAdminPassword: pulumi.secret('grafana-pw'),
  }) as unknown as Record<string, pulumi.Output<unknown>>;
  await Promise.all(Object.values(outputs).map(value));
  await settle();
});

const deployment = () => byName('kubernetes:apps/v1:Deployment', 'stockval-api') as Obj;
const apiContainer = () => deployment().spec.template.spec.containers[0] as Obj;

describe('provider and components', () => {
  it('uses one explicit Kubernetes provider with server-side apply for every resource', () => {
    const providers = ofType('pulumi:providers:kubernetes');
    expect(providers).toHaveLength(1);
    expect(providers[0]?.inputs.enableServerSideApply).toBe('true');
  });

  it('groups resources in stockval:k8s components', () => {
    const types = new Set(recorded.filter((r) => r.type.startsWith('stockval:k8s:')).map((r) => r.type));
    expect([...types].sort()).toEqual([
      'stockval:k8s:AppNamespace',
      'stockval:k8s:Monitoring',
      'stockval:k8s:NetworkPolicies',
      'stockval:k8s:NginxProxy',
      'stockval:k8s:PgDumpBackup',
      'stockval:k8s:PostgresCluster',
      'stockval:k8s:RedisCache',
      'stockval:k8s:StockvalApi',
    ]);
  });

  it('creates the namespace with restricted pod security enforced', () => {
    const ns = byName('kubernetes:core/v1:Namespace', NS) as Obj;
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('API Deployment', () => {
  it('runs 3 replicas with a surge-only rolling update', () => {
    const d = deployment();
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(d.spec.template.spec.containers[0].image).toBe('registry.example.com/stockval:0.1.0');
  });

  it('probes /health/live (liveness, startup) and /health/ready (readiness)', () => {
    const c = apiContainer();
    expect(c.livenessProbe.httpGet.path).toBe('/health/live');
    expect(c.startupProbe.httpGet.path).toBe('/health/live');
    expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8124 }]);
  });

  it('requests 500m/1Gi and is limited to 1 CPU/2Gi, as in the deployment guide', () => {
    expect(apiContainer().resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '1', memory: '2Gi' },
    });
  });

  it('runs non-root with a read-only root filesystem and a writable /tmp', () => {
    const pod = deployment().spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(apiContainer().securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(apiContainer().volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  it('reads config from the ConfigMap, secrets from the Secret and DATABASE_URL from the CloudNativePG secret', () => {
    const c = apiContainer();
    expect(c.envFrom).toEqual([
      { configMapRef: { name: 'stockval-api-config' } },
      { secretRef: { name: 'stockval-api-secrets' } },
    ]);
    expect(c.env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'stockval-pg-app', key: 'uri' } },
    });
    const cm = byName('kubernetes:core/v1:ConfigMap', 'stockval-api-config') as Obj;
    expect(cm.data).toMatchObject({
      DATA_SOURCE: 'postgres',
      PORT: '8124',
      REDIS_URL: 'redis://stockval-redis:6379/0',
      API_BASE_URL: 'https://valuation.example.com',
    });
    const secret = byName('kubernetes:core/v1:Secret', 'stockval-api-secrets') as Obj;
    expect(secret.stringData).toEqual({ TUSHARE_TOKEN: 'ts-token' });
  });

  it('runs the migration Job (stockval migrate) with the same image, restricted, before the rollout', () => {
    const jobs = ofType('kubernetes:batch/v1:Job');
    expect(jobs).toHaveLength(1);
    const job = jobs[0]?.inputs as Obj;
    expect(job.metadata.name).toMatch(/^stockval-api-migrate-[0-9a-f]{8}$/);
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(['node', 'bin/stockval.mjs', 'migrate']);
    expect(c.image).toBe('registry.example.com/stockval:0.1.0');
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
  });
});

describe('Service, HPA, PDB, ServiceMonitor', () => {
  it('exposes the named port http on a ClusterIP Service', () => {
    const svc = byName('kubernetes:core/v1:Service', 'stockval-api') as Obj;
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8124, targetPort: 'http', protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual(deployment().spec.selector.matchLabels);
  });

  it('autoscales 2–10 replicas at 70 % CPU and 80 % memory', () => {
    const hpa = byName('kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'stockval-api') as Obj;
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'stockval-api',
    });
    const targets = Object.fromEntries(
      hpa.spec.metrics.map((m: Obj) => [m.resource.name, m.resource.target.averageUtilization]),
    );
    expect(targets).toEqual({ cpu: 70, memory: 80 });
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });

  it('keeps at least one API pod and one Nginx pod through voluntary disruptions', () => {
    expect(
      (byName('kubernetes:policy/v1:PodDisruptionBudget', 'stockval-api') as Obj).spec.minAvailable,
    ).toBe(1);
    expect(
      (byName('kubernetes:policy/v1:PodDisruptionBudget', 'stockval-nginx') as Obj).spec.minAvailable,
    ).toBe(1);
  });

  it('scrapes /metrics on the named port every 30 s with the release label Prometheus selects', () => {
    const sm = ofType('kubernetes:monitoring.coreos.com/v1:ServiceMonitor')[0]?.inputs as Obj;
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(sm.spec.endpoints).toEqual([
      { port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' },
    ]);
    expect(sm.spec.selector.matchLabels).toEqual(deployment().spec.selector.matchLabels);
  });
});

describe('data tier', () => {
  it('installs CloudNativePG from a pinned chart and declares a 3-instance cluster', () => {
    const releases = ofType('kubernetes:helm.sh/v3:Release').map((r) => r.inputs as Obj);
    const cnpg = releases.find((r) => r.chart === 'cloudnative-pg') as Obj;
    expect(cnpg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(cnpg.namespace).toBe('cnpg-system');
    const cluster = byName('kubernetes:postgresql.cnpg.io/v1:Cluster', 'stockval-pg') as Obj;
    expect(cluster.spec.instances).toBe(3);
    expect(cluster.spec.bootstrap.initdb).toEqual({ database: 'stock_valuation', owner: 'stockval' });
    expect(cluster.spec.imageName).not.toMatch(/:latest$/);
  });

  it('runs Redis cache-only (no persistence, LRU) as a non-root read-only pod', () => {
    const d = byName('kubernetes:apps/v1:Deployment', 'stockval-redis') as Obj;
    const c = d.spec.template.spec.containers[0];
    expect(c.args).toEqual(
      expect.arrayContaining(['--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru']),
    );
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it('dumps the database nightly with pg_dump, 30-day retention and no overlapping runs', () => {
    const cron = byName('kubernetes:batch/v1:CronJob', 'stockval-backup') as Obj;
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec.schedule).toBe('0 3 * * *');
    const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
    expect(c.command).toEqual(['bash', '/scripts/pg-dump.sh']);
    expect(c.env).toContainEqual({ name: 'RETENTION_DAYS', value: '30' });
    const script = byName('kubernetes:core/v1:ConfigMap', 'stockval-backup-script') as Obj;
    expect(script.data['pg-dump.sh']).toContain('pg_dump --format=custom');
  });
});

describe('Nginx', () => {
  it('proxies to the API Service with TLS 1.2/1.3, HSTS, gzip, a body limit, SSE and WebSocket support', async () => {
    const conf = (await value(outputs.nginxConf as pulumi.Output<string>)) as string;
    expect(conf).toContain('server stockval-api.stockval.svc.cluster.local:8124');
    expect(conf).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(conf).toContain('Strict-Transport-Security');
    expect(conf).toContain('gzip on;');
    expect(conf).toContain('client_max_body_size 1m;');
    expect(conf).toContain('proxy_buffering off;');
    expect(conf).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(conf).toContain('server_name valuation.example.com;');
    const cm = byName('kubernetes:core/v1:ConfigMap', 'stockval-nginx-conf') as Obj;
    expect(cm.data['nginx.conf']).toBe(conf);
  });

  it('runs the unprivileged image with the TLS secret mounted and a public Service on 80/443', () => {
    const d = byName('kubernetes:apps/v1:Deployment', 'stockval-nginx') as Obj;
    const pod = d.spec.template.spec;
    expect(pod.securityContext.runAsUser).toBe(101);
    expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'stockval-tls' } });
    // Without PEM config the secret is provided outside Pulumi (cert-manager, kubectl).
    expect(() => byName('kubernetes:core/v1:Secret', 'stockval-tls')).toThrow(/found 0/);
    const svc = byName('kubernetes:core/v1:Service', 'stockval-nginx') as Obj;
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.ports.map((p: Obj) => p.port)).toEqual([80, 443]);
  });
});

describe('network policies', () => {
  it('denies all traffic by default and allows DNS, API, Nginx, Redis, jobs and PostgreSQL flows', () => {
    const names = ofType('kubernetes:networking.k8s.io/v1:NetworkPolicy').map(
      (r) => (r.inputs as Obj).metadata.name,
    );
    expect(names.sort()).toEqual(
      ['allow-dns', 'api', 'default-deny', 'jobs', 'nginx', 'postgres', 'redis'].map((n) => `stockval-${n}`),
    );
    const deny = byName('kubernetes:networking.k8s.io/v1:NetworkPolicy', 'stockval-default-deny') as Obj;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });
});

describe('monitoring', () => {
  it('installs kube-prometheus-stack from a pinned chart, selecting monitors from all namespaces', () => {
    const kps = ofType('kubernetes:helm.sh/v3:Release')
      .map((r) => r.inputs as Obj)
      .find((r) => r.chart === 'kube-prometheus-stack') as Obj;
    expect(kps.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(kps.values.prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
    expect(kps.values.grafana.admin.existingSecret).toBe('grafana-admin');
    // The namespace exists before the chart, so the Grafana secret can be created first.
    expect(kps.createNamespace).toBeUndefined();
    expect((byName('kubernetes:core/v1:Namespace', 'monitoring') as Obj).metadata.labels).not.toHaveProperty(
      'pod-security.kubernetes.io/enforce',
    );
    expect((byName('kubernetes:core/v1:Secret', 'grafana-admin') as Obj).metadata.namespace).toBe(
      'monitoring',
    );
  });

  it('loads the PrometheusRule from ops/prometheus/alert-rules.yml (when present)', () => {
    const groups = readRuleGroups();
    const rules = ofType('kubernetes:monitoring.coreos.com/v1:PrometheusRule');
    if (groups === null) {
      expect(rules).toHaveLength(0);
      return;
    }
    expect(rules).toHaveLength(1);
    expect(((rules[0] as RecordedResource).inputs as Obj).spec.groups).toEqual(groups);
    expect(((rules[0] as RecordedResource).inputs as Obj).metadata.labels.release).toBe(
      'kube-prometheus-stack',
    );
  });

  it('puts every ops/grafana dashboard into a sidecar-labelled ConfigMap (when present)', () => {
    const dashboards = readDashboards();
    const cms = ofType('kubernetes:core/v1:ConfigMap').filter(
      (r) => (r.inputs as Obj).metadata.labels?.grafana_dashboard === '1',
    );
    if (Object.keys(dashboards).length === 0) {
      expect(cms).toHaveLength(0);
      return;
    }
    expect(((cms[0] as RecordedResource).inputs as Obj).data).toEqual(dashboards);
  });
});

describe('rendered manifests', () => {
  it('validate against the Kubernetes schemas (kubernetes-models), every core kind', async () => {
    const manifests = renderManifests();
    const validated: string[] = [];
    for (const doc of manifests) {
      const apiVersion = String(doc.apiVersion);
      const kind = String(doc.kind);
      if (!/^(v1|apps\/v1|batch\/v1|autoscaling\/v2|policy\/v1|networking\.k8s\.io\/v1)$/.test(apiVersion)) {
        continue; // CRDs (CloudNativePG, Prometheus Operator) have no schema in kubernetes-models
      }
      const mod = (await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}/${kind}`)) as Record<
        string,
        new (
          d: unknown,
        ) => { validate(): void }
      >;
      const Model = mod[kind] as new (d: unknown) => { validate(): void };
      expect(() => new Model(doc).validate(), `${kind} ${(doc.metadata as Obj)?.name}`).not.toThrow();
      validated.push(kind);
    }
    expect(new Set(validated)).toEqual(
      new Set([
        'Namespace',
        'ConfigMap',
        'Secret',
        'Job',
        'Deployment',
        'Service',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'PersistentVolumeClaim',
        'CronJob',
        'NetworkPolicy',
      ]),
    );
  });

  it('the validator is live: a malformed Deployment is rejected', async () => {
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment');
    const bad = structuredClone(deployment()) as Obj;
    bad.spec.replicas = '3';
    expect(() =>
      new Deployment({ apiVersion: 'apps/v1', kind: 'Deployment', ...bad } as never).validate(),
    ).toThrow(/replicas/);
  });

  it('put every namespaced app object in the stockval namespace', () => {
    for (const doc of renderManifests()) {
      const meta = doc.metadata as Obj;
      if (doc.kind === 'Namespace' || meta.namespace === 'monitoring') {
        continue;
      }
      expect(meta.namespace, `${doc.kind} ${meta.name}`).toBe(NS);
    }
  });
});
