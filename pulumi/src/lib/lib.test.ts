import { describe, expect, it } from 'vitest';
import { apiConfigData, apiProbes, hpaBehavior, rollingUpdate, shortHash } from './api-workload';
import { componentLabels, selectorLabels } from './labels';
import { networkPolicySpecs } from './network-policies';
import { COMPOSE_NGINX_PARAMS, renderNginxConf } from './nginx-conf';
import { restrictedContainerSecurity, restrictedPodSecurity } from './pod-security';

describe('labels', () => {
  it('selects on name + instance only, so version labels can change without breaking selectors', () => {
    expect(selectorLabels('stockval-api')).toEqual({
      'app.kubernetes.io/name': 'stockval-api',
      'app.kubernetes.io/instance': 'stockval',
    });
    expect(componentLabels('stockval-api', 'api')).toMatchObject({ 'app.kubernetes.io/component': 'api' });
  });
});

describe('api workload', () => {
  it('probes liveness on /health/live and readiness on /health/ready', () => {
    const p = apiProbes(8124);
    expect(p.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 8124 });
    expect(p.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 8124 });
    expect(p.startupProbe.failureThreshold).toBe(30);
  });

  it('rolls out one surge pod at a time and never below the desired count', () => {
    expect(rollingUpdate().rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it('writes the HPA behaviour out, with the given scale-down window', () => {
    expect(hpaBehavior(120).scaleDown).toMatchObject({ stabilizationWindowSeconds: 120 });
  });

  it('lets operator env override the defaults', () => {
    const data = apiConfigData({
      dataSource: 'hybrid',
      redisUrl: 'redis://r:6379/0',
      apiBaseUrl: 'https://x.example',
      extra: { LOG_LEVEL: 'debug' },
    });
    expect(data).toMatchObject({ DATA_SOURCE: 'hybrid', LOG_LEVEL: 'debug', PORT: '8124' });
  });

  it('hashes stably to 8 hex characters', () => {
    expect(shortHash('stockval:0.1.0')).toBe(shortHash('stockval:0.1.0'));
    expect(shortHash('stockval:0.1.0')).toMatch(/^[0-9a-f]{8}$/);
    expect(shortHash('a')).not.toBe(shortHash('b'));
  });
});

describe('pod security', () => {
  it('meets the restricted standard', () => {
    expect(restrictedPodSecurity()).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(restrictedContainerSecurity()).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });
});

describe('renderNginxConf', () => {
  it('renders every placeholder', () => {
    const conf = renderNginxConf({
      upstreams: ['a:1', 'b:2'],
      serverName: 'x.example',
      clientMaxBodySize: '2m',
    });
    expect(conf).not.toMatch(/\{\{/);
    expect(conf).toContain('server a:1 max_fails=3 fail_timeout=10s;');
    expect(conf).toContain('server b:2 max_fails=3 fail_timeout=10s;');
    expect(conf).toContain('client_max_body_size 2m;');
    expect(conf).toContain('listen 8443 ssl http2;');
  });

  it.each([
    [{ upstreams: [] }, /at least one upstream/],
    [{ upstreams: ['api'] }, /not host:port/],
    [{ upstreams: ['api:1; include /etc/passwd'] }, /not host:port/],
    [{ upstreams: ['api:1'], serverName: 'a; return 200' }, /must not contain/],
  ])('rejects %j', (params, message) => {
    expect(() => renderNginxConf(params)).toThrow(message);
  });

  it('refuses unknown placeholders in the template', () => {
    expect(() => renderNginxConf(COMPOSE_NGINX_PARAMS, 'x {{NOPE}}')).toThrow(/unknown placeholder/);
  });
});

describe('network policies', () => {
  const specs = networkPolicySpecs({
    api: 'stockval-api',
    nginx: 'stockval-nginx',
    redis: 'stockval-redis',
    migrate: 'stockval-api-migrate',
    backup: 'stockval-backup',
    postgresCluster: 'stockval-pg',
    monitoringNamespace: 'monitoring',
    operatorNamespace: 'cnpg-system',
    egressCidrs: ['0.0.0.0/0'],
  });

  it('lets only Nginx and monitoring reach the API port', () => {
    const from = specs.api?.ingress;
    expect(JSON.stringify(from)).toContain('stockval-nginx');
    expect(JSON.stringify(from)).toContain('"kubernetes.io/metadata.name":"monitoring"');
    expect(JSON.stringify(from)).toContain('"port":8124');
  });

  it('lets the API reach the internet on 80/443 but not private ranges that way', () => {
    const internet = specs.api?.egress as { to?: { ipBlock?: { cidr: string; except?: string[] } }[] }[];
    const block = internet.find((e) => e.to?.[0]?.ipBlock !== undefined)?.to?.[0]?.ipBlock;
    expect(block).toEqual({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] });
  });

  it('lets only the API reach Redis', () => {
    expect(JSON.stringify(specs.redis?.ingress)).toBe(
      JSON.stringify([
        {
          from: [
            {
              podSelector: {
                matchLabels: {
                  'app.kubernetes.io/name': 'stockval-api',
                  'app.kubernetes.io/instance': 'stockval',
                },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: 6379 }],
        },
      ]),
    );
  });
});
