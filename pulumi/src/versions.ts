/**
 * @module versions
 * Every third-party chart and image the stack deploys, pinned in one place. Upgrading is a reviewed one-line change
 * here (and `pulumi preview` shows the diff); nothing floats on `latest`.
 */

/** CloudNativePG operator chart (operator 1.27.0). Repository: the project's GitHub Pages chart index. */
export const CNPG_CHART = {
  chart: 'cloudnative-pg',
  version: '0.26.0',
  repo: 'https://cloudnative-pg.github.io/charts',
} as const;

/** kube-prometheus-stack (Prometheus Operator, Prometheus, Alertmanager, Grafana, kube-state-metrics). */
export const KUBE_PROMETHEUS_STACK_CHART = {
  chart: 'kube-prometheus-stack',
  version: '75.15.0',
  repo: 'https://prometheus-community.github.io/helm-charts',
} as const;

/** Default images (each overridable in the stack config). */
export const IMAGES = {
  /** PostgreSQL operand for CloudNativePG; also provides pg_dump for the backup CronJob (runs as uid 26). */
  postgres: 'ghcr.io/cloudnative-pg/postgresql:16.4',
  /** Cache-only Redis (no persistence). */
  redis: 'redis:7.4.2-alpine',
  /** Nginx built to run as a non-root user on ports 8080/8443. */
  nginx: 'nginxinc/nginx-unprivileged:1.27.3-alpine',
} as const;
