/**
 * @module components/network-policies
 * Default-deny NetworkPolicies for the app namespace plus the allowed flows from lib/network-policies.ts.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PART_OF } from '../lib/labels';
import { networkPolicySpecs, type PolicyNames } from '../lib/network-policies';

export interface NetworkPoliciesArgs extends PolicyNames {
  namespace: pulumi.Input<string>;
}

export class NetworkPolicies extends pulumi.ComponentResource {
  readonly policyNames: string[];

  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('stockval:k8s:NetworkPolicies', name, {}, opts);
    const specs = networkPolicySpecs(args);
    this.policyNames = [];
    for (const [key, spec] of Object.entries(specs)) {
      // One policy per flow group; the names say what they allow.
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${key}`,
        {
          metadata: {
            name: `stockval-${key}`,
            namespace: args.namespace,
            labels: { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'pulumi' },
          },
          spec,
        },
        { parent: this },
      );
      this.policyNames.push(`stockval-${key}`);
    }
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
