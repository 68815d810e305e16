/**
 * @module components/app-namespace
 * The application namespace, enforcing the `restricted` Pod Security Standard so every pod in it must run non-root,
 * without privilege escalation or extra capabilities.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PART_OF } from '../lib/labels';
import { restrictedNamespaceLabels } from '../lib/pod-security';

export interface AppNamespaceArgs {
  /** Namespace name, e.g. `stockval`. */
  name: string;
}

export class AppNamespace extends pulumi.ComponentResource {
  /** The namespace's name (resolves once it exists, so dependents wait for it). */
  readonly namespaceName: pulumi.Output<string>;

  constructor(name: string, args: AppNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('stockval:k8s:AppNamespace', name, {}, opts);
    // Namespace with restricted pod security (enforce + warn + audit).
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: args.name,
          labels: { ...restrictedNamespaceLabels(), 'app.kubernetes.io/part-of': PART_OF },
        },
      },
      { parent: this },
    );
    this.namespaceName = ns.metadata.name;
    this.registerOutputs({ namespaceName: this.namespaceName });
  }
}
