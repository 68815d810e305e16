#!/usr/bin/env node
// Bundle budget of the Cloudflare Worker: builds it exactly as `wrangler deploy`
// would (`wrangler deploy --dry-run --minify --outdir <tmp>`), then measures the
// uploaded modules (JavaScript + WebAssembly, source maps excluded), raw and
// gzipped. Fails (exit 1) above 1 MiB raw or 300 KiB gzipped: Workers' free-plan
// limit is 3 MiB compressed, but start-up time grows with size, and the budget
// keeps us honest about what each dependency costs.
//
// Usage: node scripts/check-bundle.mjs [--json]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const MAX_RAW_BYTES = 1024 * 1024;
export const MAX_GZIP_BYTES = 300 * 1024;

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

// The budget is about the Worker, not the web UI: measure with wrangler.toml minus its [build] step (the UI build
// has its own tests). The copy sits beside wrangler.toml so every relative path in it still resolves.
const config = readFileSync('wrangler.toml', 'utf8').replace(/^\[build\]\n(?:(?!\[).*\n)*/m, '');
const configCopy = `.wrangler-bundle-check-${process.pid}.toml`;
writeFileSync(configCopy, config);
const out = mkdtempSync(join(tmpdir(), 'stockval-bundle-'));
try {
  const wrangler = join(process.cwd(), 'node_modules', '.bin', 'wrangler');
  const args = ['deploy', '--dry-run', '--minify', '--outdir', out, '--config', configCopy, '--env', ''];
  const r = spawnSync(wrangler, args, {
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout}\n${r.stderr}\n`);
    console.log('bundle: wrangler deploy --dry-run failed');
    process.exitCode = 1;
  }
  const files = readdirSync(out).filter((f) => /\.(m?js|wasm)$/.test(f));
  let raw = 0;
  let gzip = 0;
  const rows = [];
  for (const f of files) {
    const buf = readFileSync(join(out, f));
    const z = gzipSync(buf, { level: 9 }).length;
    raw += statSync(join(out, f)).size;
    gzip += z;
    rows.push({ file: f, raw: buf.length, gzip: z });
  }
  const ok = r.status === 0 && raw <= MAX_RAW_BYTES && gzip <= MAX_GZIP_BYTES && files.length > 0;
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify({ raw, gzip, files: rows, ok, limits: { raw: MAX_RAW_BYTES, gzip: MAX_GZIP_BYTES } }),
    );
  } else {
    for (const row of rows) {
      console.log(`  ${row.file}: ${kib(row.raw)} (gzip ${kib(row.gzip)})`);
    }
    console.log(
      `bundle: ${kib(raw)} / ${kib(MAX_RAW_BYTES)} raw, ${kib(gzip)} / ${kib(MAX_GZIP_BYTES)} gzipped: ${ok ? 'within budget' : 'OVER BUDGET'}`,
    );
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(out, { recursive: true, force: true });
  rmSync(configCopy, { force: true });
}
