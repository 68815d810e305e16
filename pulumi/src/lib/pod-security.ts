/**
 * @module lib/pod-security
 * Pod and container security contexts that satisfy the `restricted` Pod Security Standard (the namespace enforces
 * it, so a pod without these is rejected at admission rather than running with too much privilege).
 */
import type * as k8s from '@pulumi/kubernetes';

type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/**
 * Pod-level context: non-root with a fixed uid/gid (10001 for our image; images with their own user pass theirs).
 * @param uid - numeric user id the image runs as.
 */
export function restrictedPodSecurity(uid = 10001): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level context: no privilege escalation, no capabilities, read-only root filesystem. */
export function restrictedContainerSecurity(): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Labels that make the namespace enforce (and warn/audit on) the restricted standard. */
export function restrictedNamespaceLabels(): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
  };
}
