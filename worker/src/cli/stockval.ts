/**
 * @module cli/stockval
 * `npx stockval <command>` (bin/stockval.mjs runs this file through tsx). Commands:
 * - `value <ts_code> [--date] [--set k=v ...] [--json]` — valuation in the terminal, no server needed.
 * Errors go to stderr with the API's codes (unknown stock, engine codes) and a non-zero exit code.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EnvError } from '@/env';
import { classifyError } from '@/errors/handlers';
import { CliError, runValue, VALUE_USAGE } from './value';

const USAGE = `Usage: stockval <command>

Commands:
  value <ts_code>   value a stock (e.g. stockval value 600519.SH)
  ops <command>     operations: validate-config, health-check, backup, restore, ... (stockval ops help)
  migrate           apply database migrations (--seed-demo loads the demo dataset into an empty database)

${VALUE_USAGE}`;

/**
 * Runs the CLI and returns the exit code; output goes through the given writers (testable without a process).
 * @param argv - arguments after the program name.
 * @param record - raw environment.
 */
export async function runCli(
  argv: string[],
  record: Record<string, string | undefined>,
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  },
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'ops' || command === 'migrate') {
    const ops = await import('./ops');
    return ops.runOps(command === 'ops' ? rest : ['migrate', ...rest], ops.createOpsContext(record, io));
  }
  if (command !== 'value') {
    io.err(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    io.out(await runValue(rest, record));
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      (err.exitCode === 0 ? io.out : io.err)(err.message);
      return err.exitCode;
    }
    if (err instanceof EnvError) {
      io.err(err.message);
      return 2;
    }
    const c = classifyError(err);
    io.err(`error ${c.code}: ${c.message}`);
    return 1;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  runCli(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
