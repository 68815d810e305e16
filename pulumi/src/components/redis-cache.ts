/**
 * @module components/redis-cache
 * Redis as a shared, cache-only store for valuation results (no persistence: losing it costs recomputation, not
 * data). One replica with an LRU memory cap; the API falls back to recomputing when it is down.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { componentLabels, selectorLabels } from '../lib/labels';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../lib/pod-security';

export interface RedisCacheArgs {
  namespace: pulumi.Input<string>;
  /** Object name (Deployment and Service). */
  appName: string;
  image: string;
  /** `maxmemory`, e.g. `256mb`. */
  maxMemory: string;
}

export class RedisCache extends pulumi.ComponentResource {
  /** `redis://<service>:6379/0` */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: RedisCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super('stockval:k8s:RedisCache', name, {}, opts);
    const labels = componentLabels(args.appName, 'cache');

    // Redis Deployment (uid 999 = the image's redis user).
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: args.appName, namespace: args.namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: selectorLabels(args.appName) },
          template: {
            metadata: { labels },
            spec: {
              securityContext: restrictedPodSecurity(999),
              automountServiceAccountToken: false,
              containers: [
                {
                  name: 'redis',
                  image: args.image,
                  args: [
                    '--save',
                    '',
                    '--appendonly',
                    'no',
                    '--maxmemory',
                    args.maxMemory,
                    '--maxmemory-policy',
                    'allkeys-lru',
                  ],
                  ports: [{ name: 'redis', containerPort: 6379 }],
                  resources: { requests: { cpu: '100m', memory: '320Mi' }, limits: { memory: '384Mi' } },
                  readinessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 5 },
                  livenessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 10 },
                  securityContext: restrictedContainerSecurity(),
                  volumeMounts: [{ name: 'data', mountPath: '/data' }],
                },
              ],
              volumes: [{ name: 'data', emptyDir: {} }],
            },
          },
        },
      },
      { parent: this },
    );

    // ClusterIP Service the API connects to.
    const svc = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: args.appName, namespace: args.namespace, labels },
        spec: {
          selector: selectorLabels(args.appName),
          ports: [{ name: 'redis', port: 6379, targetPort: 'redis' }],
        },
      },
      { parent: this },
    );
    this.url = pulumi.interpolate`redis://${svc.metadata.name}:6379/0`;
    this.registerOutputs({ url: this.url });
  }
}
