/**
 * @module lib/paths
 * Files outside pulumi/ that the stack ships: the Nginx template, alert rules, dashboards and the backup script.
 * Resolved from this module, so `pulumi up` and the tests work from any working directory.
 */
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** ops/ at the repository root. */
export const OPS_DIR = fileURLToPath(new URL('../../../ops', import.meta.url));

/** Paths of the ops files the stack reads (observability owns prometheus/ and grafana/). */
export const OPS_FILES = {
  nginxTemplate: `${OPS_DIR}/nginx/nginx.conf.template`,
  nginxConf: `${OPS_DIR}/nginx/nginx.conf`,
  alertRules: `${OPS_DIR}/prometheus/alert-rules.yml`,
  grafanaDir: `${OPS_DIR}/grafana`,
  pgDumpScript: `${OPS_DIR}/backup/pg-dump.sh`,
} as const;
