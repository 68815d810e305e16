/**
 * prom-client, worker threads and the Node-only files (observability/node/, services/auth/node/: the argon2 thread
 * pool) must never be reachable from code the Workers bundle contains (the app and the Workers entry): follows
 * every static and dynamic import from `app.ts` and `index.ts` and fails on the first path that leads to them.
 * Cheaper and earlier than a failed `wrangler deploy`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..');
const FORBIDDEN = [
  /^prom-client$/,
  /observability\/node\//,
  /^node:worker_threads$/,
  /services\/auth\/node\//,
];

function resolveImport(from: string, spec: string): string | undefined {
  let base: string;
  if (spec.startsWith('@/')) {
    base = join(SRC, spec.slice(2));
  } else if (spec.startsWith('.')) {
    base = resolve(dirname(from), spec);
  } else {
    return undefined;
  }
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** Import chains from `entry` to a forbidden module (empty when there is none). */
function forbiddenChains(entry: string): string[] {
  const seen = new Set<string>();
  const chains: string[] = [];
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) {
      return;
    }
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g,
    )) {
      const spec = m[1] ?? m[2] ?? '';
      const here = [...chain, relative(SRC, file)];
      if (FORBIDDEN.some((re) => re.test(spec))) {
        chains.push([...here, spec].join(' → '));
        continue;
      }
      const next = resolveImport(file, spec);
      if (next !== undefined && !next.endsWith('.test.ts')) {
        visit(next, here);
      }
    }
  };
  visit(entry, []);
  return chains;
}

describe('Workers bundle boundary', () => {
  it.each(['app.ts', 'index.ts'])('%s reaches no Node-only module', (entry) => {
    expect(forbiddenChains(join(SRC, entry))).toEqual([]);
  });

  it('the scan does find prom-client and the argon2 pool from the Node entry', () => {
    const chains = forbiddenChains(join(SRC, 'node.ts'));
    expect(chains.some((c) => c.endsWith('observability/node/prometheus'))).toBe(true);
    expect(chains.some((c) => c.endsWith('services/auth/node/argon2-pool'))).toBe(true);
  });
});
