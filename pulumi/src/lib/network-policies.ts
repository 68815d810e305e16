/**
 * @module lib/network-policies
 * The namespace's NetworkPolicies as data: deny everything, then allow exactly the flows the stack needs
 * (ops-security.md §4). Pods are matched by the recommended labels; CloudNativePG pods by `cnpg.io/cluster`.
 */
import type * as k8s from '@pulumi/kubernetes';
import { API_PORT } from './api-workload';
import { selectorLabels } from './labels';

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

export interface PolicyNames {
  api: string;
  nginx: string;
  redis: string;
  migrate: string;
  backup: string;
  /** CloudNativePG cluster name. */
  postgresCluster: string;
  monitoringNamespace: string;
  operatorNamespace: string;
  /** CIDRs the API may call on 80/443 (TuShare, DeepSeek). */
  egressCidrs: string[];
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

const nsPeer = (ns: string): Peer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
});
const podPeer = (name: string): Peer => ({ podSelector: { matchLabels: selectorLabels(name) } });
const pgPeer = (cluster: string): Peer => ({ podSelector: { matchLabels: { 'cnpg.io/cluster': cluster } } });
const tcp = (port: number) => ({ protocol: 'TCP', port });

/**
 * All policies, keyed by a short name (the resource name suffix).
 * @returns e.g. `{ 'default-deny': spec, 'allow-dns': spec, 'api': spec, ... }`
 */
export function networkPolicySpecs(n: PolicyNames): Record<string, PolicySpec> {
  const toPostgres = { to: [pgPeer(n.postgresCluster)], ports: [tcp(5432)] };
  const internet = n.egressCidrs.map((cidr) => ({
    ipBlock: cidr === '0.0.0.0/0' ? { cidr, except: PRIVATE_RANGES } : { cidr },
  }));
  return {
    'default-deny': { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    'allow-dns': {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    },
    api: {
      podSelector: { matchLabels: selectorLabels(n.api) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [podPeer(n.nginx), nsPeer(n.monitoringNamespace)], ports: [tcp(API_PORT)] }],
      egress: [
        toPostgres,
        { to: [podPeer(n.redis)], ports: [tcp(6379)] },
        { to: internet, ports: [tcp(80), tcp(443)] },
      ],
    },
    nginx: {
      podSelector: { matchLabels: selectorLabels(n.nginx) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [tcp(8080), tcp(8443)] }],
      egress: [{ to: [podPeer(n.api)], ports: [tcp(API_PORT)] }],
    },
    redis: {
      podSelector: { matchLabels: selectorLabels(n.redis) },
      policyTypes: ['Ingress'],
      ingress: [{ from: [podPeer(n.api)], ports: [tcp(6379)] }],
    },
    jobs: {
      podSelector: {
        matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [n.migrate, n.backup] }],
      },
      policyTypes: ['Egress'],
      egress: [toPostgres],
    },
    postgres: {
      podSelector: { matchLabels: { 'cnpg.io/cluster': n.postgresCluster } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [podPeer(n.api), podPeer(n.migrate), podPeer(n.backup), pgPeer(n.postgresCluster)],
          ports: [tcp(5432)],
        },
        // Operator status checks (8000) and metrics scraping (9187).
        { from: [nsPeer(n.operatorNamespace)], ports: [tcp(8000), tcp(5432)] },
        { from: [nsPeer(n.monitoringNamespace)], ports: [tcp(9187)] },
      ],
      egress: [
        toPostgres,
        // The instance manager talks to the Kubernetes API server (its address differs per cluster).
        { ports: [tcp(443), tcp(6443)] },
      ],
    },
  };
}
