/**
 * @module edge/worker-bundle
 * Builds the Worker's module graph with esbuild the way wrangler does (workerd/worker/browser conditions, ESM,
 * `node:*` and `cloudflare:*` left external) and reports what it pulls in, so a test can prove that no Node-only
 * module is reachable from the Workers entry. Node-only itself (esbuild); used by tests and scripts, never bundled.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Packages that need Node (sockets, file system, native code) and must never reach the Worker bundle. */
export const NODE_ONLY_PACKAGES = [
  'pg',
  'pg-pool',
  'pg-protocol',
  '@electric-sql/pglite',
  'ioredis',
  'redis',
  'prom-client',
  '@hono/node-server',
  'cli-progress',
  'tsx',
  'hash-wasm',
  'postgres',
] as const;

export interface WorkerGraph {
  /** Input files (paths relative to the repository root). */
  inputs: string[];
  /** Every import specifier left external by the bundle (e.g. `node:crypto`, `net`, `cloudflare:sockets`). */
  externals: string[];
  metafile: Metafile;
}

/**
 * Bundles `worker/src/index.ts` (no output written) and lists its inputs and external imports.
 * @param entry - entry module, relative to the repository root.
 */
export async function workerGraph(entry = 'worker/src/index.ts'): Promise<WorkerGraph> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    // Bare builtins too ('net', 'fs/promises'), so they show up as externals instead of failing the build.
    external: ['node:*', 'cloudflare:*', ...builtinModules, ...builtinModules.map((m) => `${m}/*`)],
    // wrangler uploads .wasm imports as separate modules; for the graph their bytes do not matter.
    loader: { '.wasm': 'empty' },
    alias: { '@': './worker/src' },
    tsconfig: 'tsconfig.json',
    logLevel: 'silent',
  });
  const metafile = result.metafile;
  const externals = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imp of input.imports) {
      if (imp.external === true) {
        externals.add(imp.path);
      }
    }
  }
  return { inputs: Object.keys(metafile.inputs).sort(), externals: [...externals].sort(), metafile };
}

/** The package an input path belongs to (`node_modules/@scope/name/...` → `@scope/name`), or null for our code. */
export function packageOf(input: string): string | null {
  const i = input.lastIndexOf('node_modules/');
  if (i < 0) {
    return null;
  }
  const parts = input.slice(i + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') === true ? `${parts[0]}/${parts[1]}` : (parts[0] ?? null);
}
