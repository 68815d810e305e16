#!/usr/bin/env node
/**
 * Builds the web UI: bundles web/src/main.ts (which imports the shared valuation engine from worker/src/valuation)
 * with esbuild into web/dist/ as ES modules with code splitting, so charts, exports and account screens load only
 * when first used.
 *
 * Why a build step rather than a committed bundle: the engine changes often and a committed copy would go stale
 * under everyone else's commits; the build takes well under a second. It runs automatically: `npm start`
 * (prestart), the web UI tests, and wrangler's `[build]` command before `wrangler deploy` (Workers Static Assets
 * serves ./web). web/dist/ is gitignored.
 *
 * When esbuild is not installed (a production install without dev dependencies) an existing web/dist is kept, so
 * an image built with dev dependencies and pruned afterwards still starts.
 *
 * Usage: `node scripts/build-web.mjs` (writes web/dist); `import { buildWeb } from './build-web.mjs'` in tests.
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = join(ROOT, 'web', 'dist');

/**
 * Runs esbuild.
 * @param {{ write?: boolean }} [opts] write=false keeps the output in memory (tests).
 * @returns {Promise<{ files: { path: string, bytes: Uint8Array }[], metafile: import('esbuild').Metafile }>}
 */
export async function buildWeb({ write = true } = {}) {
  const esbuild = await import('esbuild');
  if (write) {
    rmSync(WEB_DIST, { recursive: true, force: true });
  }
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'web/src/main.ts' },
    outdir: 'web/dist',
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['es2022', 'chrome100', 'safari15', 'firefox100'],
    minify: true,
    legalComments: 'none',
    chunkNames: 'chunk-[hash]',
    entryNames: '[name]',
    metafile: true,
    write,
    logLevel: 'silent',
  });
  const files = write
    ? Object.keys(result.metafile.outputs).map((p) => ({ path: join(ROOT, p), bytes: new Uint8Array() }))
    : result.outputFiles.map((f) => ({ path: f.path, bytes: f.contents }));
  return { files, metafile: result.metafile };
}

/**
 * JavaScript the browser must load before the page works: the entry and every chunk it imports statically
 * (transitively). Chunks reached only through `import()` load lazily and do not count.
 * @param {import('esbuild').Metafile} metafile
 * @returns {string[]} output paths relative to the repository root.
 */
export function initialChunks(metafile, entry = 'web/dist/main.js') {
  const seen = new Set();
  const visit = (p) => {
    if (seen.has(p)) {
      return;
    }
    seen.add(p);
    for (const imp of metafile.outputs[p]?.imports ?? []) {
      if (imp.kind === 'import-statement') {
        visit(imp.path);
      }
    }
  };
  visit(entry);
  return [...seen];
}

/** Gzipped size in bytes (level 9, what a static host typically serves). */
export function gzipBytes(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}

async function main() {
  let esbuildMissing = false;
  try {
    await import('esbuild');
  } catch {
    esbuildMissing = true;
  }
  if (esbuildMissing) {
    if (existsSync(join(WEB_DIST, 'main.js'))) {
      process.stdout.write('build-web: esbuild not installed; keeping the existing web/dist\n');
      return;
    }
    process.stderr.write(
      'build-web: esbuild is missing and web/dist is not built; run `npm ci` (with dev dependencies)\n',
    );
    process.exit(1);
  }
  const t0 = performance.now();
  const { metafile } = await buildWeb();
  const { readFileSync } = await import('node:fs');
  const initial = initialChunks(metafile).reduce((n, p) => n + gzipBytes(readFileSync(join(ROOT, p))), 0);
  process.stdout.write(
    `build-web: ${Object.keys(metafile.outputs).length} files in ${relative(ROOT, WEB_DIST)}/ ` +
      `(${Math.round(performance.now() - t0)} ms; initial JS ${(initial / 1024).toFixed(1)} KB gzipped)\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    process.stderr.write(`build-web: ${err.message}\n`);
    process.exit(1);
  });
}
