/**
 * Embedded database start-up and repository latency (recorded in worker/src/db/README.md).
 * First start = PGlite initdb in a fresh directory + migrate + seed the demo dataset; later start = reopen the
 * directory + migrate (no-op) + seed check. Then getCompanyData/searchStocks latency on the seeded database.
 * Run: npx tsx bench/db-startup.ts [dataDir]   (the directory is deleted first)
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresSource } from '../worker/src/data/postgres-source';
import { createDatabase } from '../worker/src/db/client';
import { migrate } from '../worker/src/db/migrate';
import { seedDemo } from '../worker/src/db/seed';

const dir = process.argv[2] ?? join(tmpdir(), 'stockval-bench-pglite');
rmSync(dir, { recursive: true, force: true });

async function start(label: string) {
  const t0 = performance.now();
  const h = await createDatabase({ kind: 'pglite', dataDir: dir });
  const t1 = performance.now();
  await migrate(h);
  const t2 = performance.now();
  const seed = await seedDemo(h.db);
  const t3 = performance.now();
  console.log(
    JSON.stringify({
      label,
      openMs: Math.round(t1 - t0),
      migrateMs: Math.round(t2 - t1),
      seedMs: Math.round(t3 - t2),
      totalMs: Math.round(t3 - t0),
      seeded: seed.seeded,
      rows: Object.values(seed.rows).reduce((a, b) => a + (b ?? 0), 0),
    }),
  );
  return h;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) * 1000) / 1000;
}

const first = await start('first start');
await first.close();
const h = await start('later start');
const src = createPostgresSource(h.db, { kind: 'pglite' });
const codes = ['600519.SH', '000333.SZ', '300750.SZ', '000001.SZ', '600036.SH'];
for (let i = 0; i < 50; i++) {
  await src.getCompanyData(codes[i % codes.length] as string, '20260313');
}
const company: number[] = [];
for (let i = 0; i < 500; i++) {
  const a = performance.now();
  await src.getCompanyData(codes[i % codes.length] as string, '20260313');
  company.push(performance.now() - a);
}
const search: number[] = [];
for (let i = 0; i < 200; i++) {
  const a = performance.now();
  await src.searchStocks(['gzmt', '600', '银行', '宁德'][i % 4] as string, 10);
  search.push(performance.now() - a);
}
console.log(
  JSON.stringify({
    getCompanyData: { p50: pct(company, 50), p95: pct(company, 95) },
    searchStocks: { p50: pct(search, 50), p95: pct(search, 95) },
  }),
);
await h.close();
rmSync(dir, { recursive: true, force: true });
