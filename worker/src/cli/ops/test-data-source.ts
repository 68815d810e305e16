/**
 * @module cli/ops/test-data-source
 * `stockval ops test-data-source [--ts_code 600519.SH]`: the guide's test_data_source.py. Opens the configured data
 * source like the server, pings every dependency (database, TuShare, Redis) with its latency, then loads one
 * company end to end and reports what came back (statement periods, latest market snapshot). Exit 1 when a
 * dependency the data source needs is down or the company cannot be loaded.
 */
import { parseArgs } from 'node:util';
import { loadEnv } from '@/env';
import { requiredDependencies } from '@/services/health/check-health';
import { type OpsContext, OpsError, table } from './context';

export async function runTestDataSource(argv: string[], ctx: OpsContext): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { ts_code: { type: 'string' } }, strict: true });
  const tsCode = (values.ts_code ?? '600519.SH').toUpperCase();
  const env = loadEnv(ctx.record);
  ctx.out(`data source: ${env.dataSource}`);
  const stack = await ctx.open(env);
  try {
    const failures: string[] = [];
    const required = new Set(requiredDependencies(env.dataSource));
    for (const [name, check] of Object.entries(stack.deps.healthChecks ?? {})) {
      const started = ctx.now();
      try {
        await check();
        ctx.out(`  ${name.padEnd(9)} up    ${ctx.now() - started} ms`);
      } catch (err) {
        ctx.out(`  ${name.padEnd(9)} DOWN  ${(err as Error).message}`);
        if (required.has(name as 'database' | 'tushare')) {
          failures.push(`${name} is down`);
        }
      }
    }
    const started = ctx.now();
    const data = await stack.deps.dataSource.getCompanyData(tsCode).catch((err: Error) => {
      failures.push(`loading ${tsCode} failed: ${err.message}`);
      return null;
    });
    if (data === null) {
      if (failures.length === 0) {
        failures.push(`${tsCode} is not in the data source`);
      }
    } else {
      const annual = data.income.filter((r) => String(r.end_date).endsWith('1231'));
      ctx.out(`\n${tsCode} ${data.basic.name} loaded in ${ctx.now() - started} ms`);
      ctx.out(
        table([
          [
            'income periods',
            `${data.income.length} (${annual.length} annual, latest ${data.income.at(-1)?.end_date ?? 'n/a'})`,
          ],
          ['balance periods', `${data.balance.length} (latest ${data.balance.at(-1)?.end_date ?? 'n/a'})`],
          [
            'cash flow periods',
            `${data.cashflow.length} (latest ${data.cashflow.at(-1)?.end_date ?? 'n/a'})`,
          ],
          [
            'market snapshot',
            data.market === null
              ? 'none'
              : `${data.market.trade_date}: close ${data.market.close ?? 'n/a'}, price as of ${data.market.price_as_of ?? 'n/a'}`,
          ],
        ]),
      );
    }
    if (failures.length > 0) {
      throw new OpsError(`data source check FAILED: ${failures.join('; ')}`);
    }
    ctx.out('\ndata source OK');
  } finally {
    await stack.close();
  }
}
