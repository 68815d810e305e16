/**
 * @module components/nginx-proxy
 * Nginx in front of the API, configured from ops/nginx/nginx.conf.template (the same file docker-compose uses):
 * TLS 1.2/1.3 with HSTS, HTTP→HTTPS redirect, least-connection balancing with keep-alive, SSE and WebSocket
 * proxying, gzip and a request size limit. Runs the unprivileged image (uid 101, ports 8080/8443) read-only.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { shortHash } from '../lib/api-workload';
import { componentLabels, selectorLabels } from '../lib/labels';
import { renderNginxConf } from '../lib/nginx-conf';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../lib/pod-security';

export interface NginxProxyArgs {
  namespace: pulumi.Input<string>;
  appName: string;
  image: string;
  replicas: number;
  /** API upstream `host:port` (the API Service's cluster DNS name). */
  upstream: pulumi.Input<string>;
  serverName: string;
  /** `kubernetes.io/tls` Secret (tls.crt, tls.key): existing, or created from `tls`. */
  tlsSecretName: string;
  /** PEM certificate and key; when given, the Secret is created (else it must exist, e.g. from cert-manager). */
  tls?: { cert: pulumi.Input<string>; key: pulumi.Input<string> };
  clientMaxBodySize: string;
  serviceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  pdbMinAvailable: number;
}

export class NginxProxy extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  /** The rendered nginx.conf (for tests and `pulumi stack output`). */
  readonly nginxConf: pulumi.Output<string>;

  constructor(name: string, args: NginxProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super('stockval:k8s:NginxProxy', name, {}, opts);
    const labels = componentLabels(args.appName, 'proxy');
    const ns = args.namespace;
    this.nginxConf = pulumi.output(args.upstream).apply((u) =>
      renderNginxConf({
        upstreams: [u],
        serverName: args.serverName,
        clientMaxBodySize: args.clientMaxBodySize,
      }),
    );

    // TLS Secret from the stack's secret config (otherwise it is provided outside Pulumi).
    if (args.tls !== undefined) {
      new k8s.core.v1.Secret(
        `${name}-tls`,
        {
          metadata: { name: args.tlsSecretName, namespace: ns, labels },
          type: 'kubernetes.io/tls',
          stringData: { 'tls.crt': args.tls.cert, 'tls.key': args.tls.key },
        },
        { parent: this },
      );
    }

    // nginx.conf rendered from the shared template.
    const conf = new k8s.core.v1.ConfigMap(
      `${name}-conf`,
      {
        metadata: { name: `${args.appName}-conf`, namespace: ns, labels },
        data: { 'nginx.conf': this.nginxConf },
      },
      { parent: this },
    );

    // Nginx Deployment; the checksum annotation restarts pods when the config changes.
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: args.appName, namespace: ns, labels },
        spec: {
          replicas: args.replicas,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          selector: { matchLabels: selectorLabels(args.appName) },
          template: {
            metadata: {
              labels,
              annotations: { 'stockval.dev/config-checksum': this.nginxConf.apply(shortHash) },
            },
            spec: {
              securityContext: restrictedPodSecurity(101),
              automountServiceAccountToken: false,
              containers: [
                {
                  name: 'nginx',
                  image: args.image,
                  ports: [
                    { name: 'http', containerPort: 8080 },
                    { name: 'https', containerPort: 8443 },
                  ],
                  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } },
                  readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
                  livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
                  lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
                  securityContext: restrictedContainerSecurity(),
                  volumeMounts: [
                    {
                      name: 'conf',
                      mountPath: '/etc/nginx/nginx.conf',
                      subPath: 'nginx.conf',
                      readOnly: true,
                    },
                    { name: 'tls', mountPath: '/etc/nginx/ssl', readOnly: true },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'conf', configMap: { name: conf.metadata.name } },
                { name: 'tls', secret: { secretName: args.tlsSecretName } },
                { name: 'tmp', emptyDir: {} },
              ],
            },
          },
        },
      },
      { parent: this },
    );

    // Public entry point: 80 → 8080 (redirect), 443 → 8443 (TLS).
    const svc = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: args.appName, namespace: ns, labels },
        spec: {
          type: args.serviceType,
          ...(args.serviceType === 'LoadBalancer' ? { externalTrafficPolicy: 'Local' } : {}),
          selector: selectorLabels(args.appName),
          ports: [
            { name: 'http', port: 80, targetPort: 'http' },
            { name: 'https', port: 443, targetPort: 'https' },
          ],
        },
      },
      { parent: this },
    );

    // Keep a proxy up during node drains.
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: { name: args.appName, namespace: ns, labels },
        spec: { minAvailable: args.pdbMinAvailable, selector: { matchLabels: selectorLabels(args.appName) } },
      },
      { parent: this },
    );
    this.serviceName = svc.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName, nginxConf: this.nginxConf });
  }
}
