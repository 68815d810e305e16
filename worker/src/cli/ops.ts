/**
 * @module cli/ops
 * `npx stockval ops <command>` (also `npm run ops -- <command>`): the deployment guide's operations scripts as one
 * tested CLI. Each command lives in `cli/ops/<command>.ts` and receives an {@link OpsContext}; exit codes are
 * 0 = OK, 1 = the check failed, 2 = bad usage or configuration.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Env, EnvError } from '@/env';
import { classifyError } from '@/errors/handlers';
import { createJsonLogger } from '@/services/logger';
import { BACKUP_USAGE, runBackup, runRestore, runRestoreDrill } from './ops/backup';
import { runCompareSources } from './ops/compare-sources';
import { type OpsContext, OpsError, type OpsStack } from './ops/context';
import { runDataQualityCheck } from './ops/data-quality-check';
import { runDiagnoseValuation } from './ops/diagnose-valuation';
import { runHealthCheck } from './ops/health-check';
import { runMigrate } from './ops/migrate';
import { runTestDataSource } from './ops/test-data-source';
import { runValidateConfig } from './ops/validate-config';

export const OPS_USAGE = `Usage: stockval ops <command> [options]

Commands:
  validate-config                     check the environment like the server does; print effective settings
  test-data-source [--ts_code C]      ping database/TuShare/Redis and load one company end to end
  health-check [--url URL]            /health/live, /health/ready and /health of a running server
  diagnose-valuation --ts_code C      inputs, data quality, warnings and assumptions trace of one valuation
  data-quality-check [--ts_code A,B]  SQL checks over the database (coverage, gaps, staleness)
  compare-sources --ts C              TuShare vs database valuation side by side (G9 metrics)
  backup [--out DIR]                  pg_dump + manifest + config archive, 30-day retention
  restore <file>                      pg_restore/psql into the database, verified against the manifest
  restore-drill <file.dump>           restore into a scratch database, verify, drop it (monthly drill)
  migrate [--seed-demo]               apply migrations (also \`stockval migrate\`; the Kubernetes Job runs it)

${BACKUP_USAGE}

Exit codes: 0 OK, 1 check failed, 2 bad usage or configuration.`;

type Command = (argv: string[], ctx: OpsContext) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  'validate-config': runValidateConfig,
  'test-data-source': runTestDataSource,
  'health-check': runHealthCheck,
  'diagnose-valuation': runDiagnoseValuation,
  'data-quality-check': runDataQualityCheck,
  'compare-sources': runCompareSources,
  backup: runBackup,
  restore: runRestore,
  'restore-drill': runRestoreDrill,
  migrate: runMigrate,
};

/** The real context: process environment, stdout/stderr, the server's dependency factory, global fetch. */
export function createOpsContext(
  record: Record<string, string | undefined>,
  io: { out: (s: string) => void; err: (s: string) => void },
): OpsContext {
  return {
    record,
    out: io.out,
    err: io.err,
    open: async (env: Env): Promise<OpsStack> => {
      // Loaded on demand: commands that never open the stack (validate-config, health-check) start fast.
      const { createNodeDeps } = await import('@/node');
      const logger = createJsonLogger({ level: 'warn', write: (l) => io.err(l) });
      return createNodeDeps(env, logger);
    },
    fetch: globalThis.fetch.bind(globalThis),
    now: () => Date.now(),
  };
}

/**
 * Runs one ops command.
 * @returns the exit code (errors are printed, never thrown).
 */
export async function runOps(argv: string[], ctx: OpsContext): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    ctx.out(OPS_USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (run === undefined) {
    ctx.err(`unknown ops command "${command}"\n\n${OPS_USAGE}`);
    return 2;
  }
  try {
    await run(rest, ctx);
    return 0;
  } catch (err) {
    if (err instanceof OpsError) {
      ctx.err(err.message);
      return err.exitCode;
    }
    if (err instanceof EnvError) {
      ctx.err(err.message);
      return 2;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      ctx.err(`${err.message}\n\n${OPS_USAGE}`);
      return 2;
    }
    const c = classifyError(err);
    ctx.err(`error ${c.code}: ${c.message}`);
    return 1;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  const io = {
    out: (s: string) => process.stdout.write(`${s}\n`),
    err: (s: string) => process.stderr.write(`${s}\n`),
  };
  runOps(process.argv.slice(2), createOpsContext(process.env, io)).then((code) => {
    process.exitCode = code;
  });
}
