/**
 * @module components/pg-dump-backup
 * Logical backups next to CloudNativePG's physical ones (portable to any PostgreSQL): a CronJob runs
 * ops/backup/pg-dump.sh — `pg_dump -Fc` to a volume, then deletes dumps older than the retention (30 days by
 * default, as in the deployment guide). `concurrencyPolicy: Forbid` keeps a slow dump from overlapping the next.
 */
import { readFileSync } from 'node:fs';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { componentLabels, selectorLabels } from '../lib/labels';
import { OPS_FILES } from '../lib/paths';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../lib/pod-security';

export interface PgDumpBackupArgs {
  namespace: pulumi.Input<string>;
  appName: string;
  /** Image with pg_dump matching the server's major version (the CloudNativePG operand; uid 26). */
  image: string;
  schedule: string;
  retentionDays: number;
  storageSize: string;
  storageClass?: string;
  /** CloudNativePG `<cluster>-app` Secret (host, username, password, dbname). */
  databaseSecretName: pulumi.Input<string>;
}

export class PgDumpBackup extends pulumi.ComponentResource {
  readonly cronJobName: pulumi.Output<string>;

  constructor(name: string, args: PgDumpBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super('stockval:k8s:PgDumpBackup', name, {}, opts);
    const labels = componentLabels(args.appName, 'backup');
    const ns = args.namespace;

    // Volume the dumps are written to.
    const pvc = new k8s.core.v1.PersistentVolumeClaim(
      `${name}-pvc`,
      {
        metadata: { name: args.appName, namespace: ns, labels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: args.storageSize } },
          ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
        },
      },
      { parent: this },
    );

    // The backup script, shared with docker-compose users (ops/backup/pg-dump.sh).
    const script = new k8s.core.v1.ConfigMap(
      `${name}-script`,
      {
        metadata: { name: `${args.appName}-script`, namespace: ns, labels },
        data: { 'pg-dump.sh': readFileSync(OPS_FILES.pgDumpScript, 'utf8') },
      },
      { parent: this },
    );

    const secretEnv = (envName: string, key: string) => ({
      name: envName,
      valueFrom: { secretKeyRef: { name: args.databaseSecretName, key } },
    });

    // Nightly pg_dump with retention.
    const cron = new k8s.batch.v1.CronJob(
      `${name}-cronjob`,
      {
        metadata: { name: args.appName, namespace: ns, labels },
        spec: {
          schedule: args.schedule,
          timeZone: 'Etc/UTC',
          concurrencyPolicy: 'Forbid',
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            spec: {
              backoffLimit: 2,
              activeDeadlineSeconds: 3 * 3600,
              template: {
                metadata: { labels: { ...selectorLabels(args.appName), ...labels } },
                spec: {
                  restartPolicy: 'OnFailure',
                  securityContext: restrictedPodSecurity(26),
                  automountServiceAccountToken: false,
                  containers: [
                    {
                      name: 'pg-dump',
                      image: args.image,
                      command: ['bash', '/scripts/pg-dump.sh'],
                      env: [
                        secretEnv('PGHOST', 'host'),
                        secretEnv('PGUSER', 'username'),
                        secretEnv('PGPASSWORD', 'password'),
                        secretEnv('PGDATABASE', 'dbname'),
                        { name: 'BACKUP_DIR', value: '/backups' },
                        { name: 'RETENTION_DAYS', value: String(args.retentionDays) },
                      ],
                      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
                      securityContext: restrictedContainerSecurity(),
                      volumeMounts: [
                        { name: 'backups', mountPath: '/backups' },
                        { name: 'scripts', mountPath: '/scripts', readOnly: true },
                        { name: 'tmp', mountPath: '/tmp' },
                      ],
                    },
                  ],
                  volumes: [
                    { name: 'backups', persistentVolumeClaim: { claimName: pvc.metadata.name } },
                    { name: 'scripts', configMap: { name: script.metadata.name } },
                    { name: 'tmp', emptyDir: {} },
                  ],
                },
              },
            },
          },
        },
      },
      { parent: this },
    );
    this.cronJobName = cron.metadata.name;
    this.registerOutputs({ cronJobName: this.cronJobName });
  }
}
