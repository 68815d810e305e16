/**
 * @module lib/labels
 * Recommended Kubernetes labels (`app.kubernetes.io/*`). Selectors use only name + instance, which never change
 * after creation (a Deployment's selector is immutable); the version label may change on every rollout.
 */

export const PART_OF = 'stockval';

/** Labels that select the pods of one component. */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': PART_OF };
}

/**
 * All labels of a component's objects.
 * @param name - component name, e.g. `stockval-api`.
 * @param component - role, e.g. `api`, `proxy`, `cache`, `migrate`, `backup`.
 */
export function componentLabels(name: string, component: string): Record<string, string> {
  return {
    ...selectorLabels(name),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'pulumi',
  };
}
