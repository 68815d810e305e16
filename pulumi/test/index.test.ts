/**
 * The Pulumi entry point (index.ts) under mocks with a stack configuration as `pulumi config set` writes it
 * (strings, JSON objects, a secret): config parsing, secret handling and the exported stack outputs.
 */
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { byName, installMocks, settle } from './pulumi-mocks';

// biome-ignore lint/suspicious/noExplicitAny: tests navigate arbitrary manifest trees
type Obj = Record<string, any>;
let program: Record<string, unknown>;

beforeAll(async () => {
  await installMocks(pulumi.runtime);
  pulumi.runtime.setAllConfig(
    {
      'stockval:image': 'registry.example.com/stockval:0.2.0',
      'stockval:dataSource': 'hybrid',
      'stockval:replicas': '4',
      'stockval:autoscaling': '{"minReplicas":3,"maxReplicas":12}',
      'stockval:env': '{"LOG_LEVEL":"debug","RATE_LIMIT_PER_MINUTE":"600"}',
      'stockval:nginx': '{"clientMaxBodySize":"2m","serviceType":"NodePort"}',
      'stockval:tushareToken': 'ts-secret-token',
      'stockval:metricsToken': 'metrics-secret-token-123',
      'stockval:tlsCertificate': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      'stockval:tlsPrivateKey': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
    },
    ['stockval:tushareToken', 'stockval:metricsToken', 'stockval:tlsCertificate', 'stockval:tlsPrivateKey'],
  );
  program = await import('../index');
  await new Promise((r) => (program.apiService as pulumi.Output<string>).apply(r));
  await settle();
});

describe('pulumi/index.ts', () => {
  it('scrapes with METRICS_TOKEN from the API secret when one is configured', () => {
    const sm = byName('kubernetes:monitoring.coreos.com/v1:ServiceMonitor', 'stockval-api') as Obj;
    expect(sm.spec.endpoints[0].authorization).toEqual({
      type: 'Bearer',
      credentials: { name: 'stockval-api-secrets', key: 'METRICS_TOKEN' },
    });
  });

  it('exports the stack outputs', async () => {
    const value = (o: unknown) => new Promise((r) => (o as pulumi.Output<unknown>).apply(r));
    expect(await value(program.namespace)).toBe('stockval');
    expect(await value(program.apiService)).toBe('stockval-api');
    expect(await value(program.databaseHost)).toBe('stockval-pg-rw.stockval.svc.cluster.local');
    expect(await value(program.redisUrl)).toBe('redis://stockval-redis:6379/0');
  });

  it('applies scalar and object config values over the defaults', () => {
    const d = byName('kubernetes:apps/v1:Deployment', 'stockval-api') as Obj;
    expect(d.spec.replicas).toBe(4);
    const hpa = byName('kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'stockval-api') as Obj;
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 12]);
    const cm = byName('kubernetes:core/v1:ConfigMap', 'stockval-api-config') as Obj;
    expect(cm.data).toMatchObject({
      DATA_SOURCE: 'hybrid',
      LOG_LEVEL: 'debug',
      RATE_LIMIT_PER_MINUTE: '600',
    });
    expect((byName('kubernetes:core/v1:Service', 'stockval-nginx') as Obj).spec.type).toBe('NodePort');
    const conf = (byName('kubernetes:core/v1:ConfigMap', 'stockval-nginx-conf') as Obj).data['nginx.conf'];
    expect(conf).toContain('client_max_body_size 2m;');
  });

  it('creates the TLS secret from the PEM config Nginx mounts', () => {
    const tls = byName('kubernetes:core/v1:Secret', 'stockval-tls') as Obj;
    expect(tls.type).toBe('kubernetes.io/tls');
    expect(tls.stringData['tls.crt']).toContain('BEGIN CERTIFICATE');
    expect(tls.metadata.namespace).toBe('stockval');
  });

  it('puts the secret into the Secret only, never the ConfigMap', () => {
    const secret = byName('kubernetes:core/v1:Secret', 'stockval-api-secrets') as Obj;
    expect(secret.stringData.TUSHARE_TOKEN).toBe('ts-secret-token');
    expect(secret.stringData.METRICS_TOKEN).toBe('metrics-secret-token-123');
    const cm = byName('kubernetes:core/v1:ConfigMap', 'stockval-api-config') as Obj;
    expect(JSON.stringify(cm)).not.toContain('ts-secret-token');
  });
});
