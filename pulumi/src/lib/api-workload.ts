/**
 * @module lib/api-workload
 * The API's pod template pieces as plain data (tested without Pulumi): probes on the service's own health endpoints,
 * resources, rollout strategy and autoscaling behaviour.
 */
import type * as k8s from '@pulumi/kubernetes';

type Probe = k8s.types.input.core.v1.Probe;

/** Container port of the Node server (PORT). */
export const API_PORT = 8124;

/**
 * Probes. Liveness checks the process only (`/health/live`), so a database blip never restarts pods; readiness
 * (`/health/ready`) takes a pod out of the Service while it cannot serve; the startup probe allows up to 60 s of
 * boot (migrations run in their own Job, so boot is short) before liveness applies.
 */
export function apiProbes(port: number | string = 'http'): {
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
} {
  return {
    startupProbe: {
      httpGet: { path: '/health/live', port },
      periodSeconds: 2,
      failureThreshold: 30,
      timeoutSeconds: 2,
    },
    livenessProbe: {
      httpGet: { path: '/health/live', port },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    readinessProbe: {
      httpGet: { path: '/health/ready', port },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 2,
    },
  };
}

/**
 * Zero-downtime rolling update: one extra pod at a time, never below the desired count. Combined with readiness
 * and the preStop pause, a rollout never drops requests; a pod that never gets ready stalls the rollout instead.
 */
export function rollingUpdate(): k8s.types.input.apps.v1.DeploymentStrategy {
  return { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
}

/**
 * HPA behaviour written out (the defaults differ between versions): scale up at most 2 pods or 100 % per minute,
 * scale down one pod per minute after the stabilization window.
 */
export function hpaBehavior(
  scaleDownStabilizationSeconds: number,
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerBehavior {
  return {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 2, periodSeconds: 60 },
        { type: 'Percent', value: 100, periodSeconds: 60 },
      ],
    },
    scaleDown: {
      stabilizationWindowSeconds: scaleDownStabilizationSeconds,
      selectPolicy: 'Min',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
    },
  };
}

/**
 * Non-secret environment of the API (ConfigMap). Secrets (DATABASE_URL, tokens) come from Secrets.
 * @param extra - operator-supplied variables; they override the defaults.
 */
export function apiConfigData(opts: {
  dataSource: 'postgres' | 'hybrid';
  redisUrl: string;
  apiBaseUrl: string;
  extra: Record<string, string>;
}): Record<string, string> {
  return {
    DATA_SOURCE: opts.dataSource,
    OCL_AGGREGATION_MODE: 'standard',
    PORT: String(API_PORT),
    API_BASE_URL: opts.apiBaseUrl,
    REDIS_URL: opts.redisUrl,
    LOG_LEVEL: 'info',
    ...opts.extra,
  };
}

/** Short stable hash (FNV-1a, 8 hex chars) used in names and checksum annotations. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
