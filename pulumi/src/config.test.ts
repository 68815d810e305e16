import { describe, expect, it } from 'vitest';
import { parseStackConfig } from './config';

const IMAGE = 'registry.example.com/stockval:0.1.0';

describe('parseStackConfig', () => {
  it('fills every documented default from the image alone', () => {
    const c = parseStackConfig({ image: IMAGE });
    expect(c).toMatchObject({
      namespace: 'stockval',
      replicas: 3,
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      autoscaling: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70, memoryUtilization: 80 },
      pdbMinAvailable: 1,
      dataSource: 'postgres',
      nginx: {
        replicas: 2,
        tlsSecretName: 'stockval-tls',
        clientMaxBodySize: '1m',
        serviceType: 'LoadBalancer',
      },
      postgres: { instances: 3, database: 'stock_valuation', operatorNamespace: 'cnpg-system' },
      monitoring: { installStack: true, namespace: 'monitoring', releaseName: 'kube-prometheus-stack' },
      backup: { schedule: '0 3 * * *', retentionDays: 30 },
      migrate: true,
    });
  });

  it('keeps defaults of nested keys not given', () => {
    const c = parseStackConfig({ image: IMAGE, autoscaling: { maxReplicas: 20 } });
    expect(c.autoscaling).toMatchObject({ minReplicas: 2, maxReplicas: 20, cpuUtilization: 70 });
  });

  it.each([
    [{}, /stockval:image/],
    [{ image: 'stockval:latest' }, /must not use :latest/],
    [{ image: 'stockval' }, /needs a tag or digest/],
    [{ image: IMAGE, autoscaling: { minReplicas: 5, maxReplicas: 3 } }, /minReplicas: must not exceed/],
    [{ image: IMAGE, pdbMinAvailable: 2 }, /pdbMinAvailable: must be below/],
    [{ image: IMAGE, namespace: 'Stock Val' }, /stockval:namespace/],
    [
      { image: IMAGE, resources: { requests: { cpu: 'lots', memory: '1Gi' }, limits: { memory: '2Gi' } } },
      /quantity/,
    ],
    [{ image: IMAGE, dataSource: 'pglite' }, /stockval:dataSource/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseStackConfig(raw)).toThrow(message);
  });

  it('accepts digests', () => {
    const digest = `registry.example.com/stockval@sha256:${'a'.repeat(64)}`;
    expect(parseStackConfig({ image: digest }).image).toBe(digest);
  });
});
