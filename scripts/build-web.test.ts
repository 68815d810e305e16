import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build script without type declarations
import { buildWeb, gzipBytes, initialChunks } from './build-web.mjs';

const ROOT = resolve(import.meta.dirname, '..');
/** Issue 6: initial JavaScript at most 150 KB gzipped. */
const BUDGET = 150 * 1024;

interface Built {
  files: { path: string; bytes: Uint8Array }[];
  metafile: { outputs: Record<string, { inputs: Record<string, unknown> }> };
}

describe('web UI build (esbuild)', () => {
  it('keeps the initial JavaScript within 150 KB gzipped, with charts, exports and accounts loaded lazily', async () => {
    const built = (await buildWeb({ write: false })) as Built;
    const byPath = new Map(built.files.map((f) => [relative(ROOT, f.path), f.bytes]));
    const initial: string[] = initialChunks(built.metafile);
    const gz = initial.reduce((n, p) => n + gzipBytes(byPath.get(p) ?? new Uint8Array()), 0);
    // Printed so the measured size is visible in CI logs.
    console.log(`initial JS: ${initial.length} files, ${(gz / 1024).toFixed(1)} KB gzipped`);
    expect(gz).toBeLessThanOrEqual(BUDGET);
    const initialInputs = new Set(
      initial.flatMap((p) => Object.keys(built.metafile.outputs[p]?.inputs ?? {})),
    );
    expect(initialInputs.has('web/src/main.ts')).toBe(true);
    expect([...initialInputs].some((i) => i.startsWith('worker/src/valuation/'))).toBe(true);
    for (const lazy of [
      'web/src/charts.ts',
      'web/src/export.ts',
      'web/src/xlsx.ts',
      'web/src/account.ts',
      'web/src/report.ts',
      'web/src/screener.ts',
    ]) {
      expect(initialInputs.has(lazy)).toBe(false);
    }
  });

  it('the page loads the entry the build produces', () => {
    const html = readFileSync(join(ROOT, 'web/index.html'), 'utf8');
    expect(html).toContain('<script src="/dist/main.js" type="module"></script>');
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8')).toMatch(/^dist\/$/m);
  });
});
