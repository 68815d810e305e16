/**
 * Minimal Dockerfile and .dockerignore readers for the static image tests (there is no Docker engine here).
 */

export interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile → instructions (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** Instructions of the last stage (from its FROM on). */
export function finalStage(ins: Instruction[]): Instruction[] {
  const froms = ins.map((i, n) => (i.op === 'FROM' ? n : -1)).filter((n) => n >= 0);
  return ins.slice(froms[froms.length - 1] ?? 0);
}

/** `COPY --from=build <src...> <dest>` of the final stage → [src relative to /app, dest relative to WORKDIR]. */
export function runtimeCopies(ins: Instruction[]): [string, string][] {
  const out: [string, string][] = [];
  for (const c of finalStage(ins).filter((i) => i.op === 'COPY' && i.args.includes('--from=build'))) {
    const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    const dest = parts[parts.length - 1] as string;
    for (const src of parts.slice(0, -1)) {
      const rel = src.replace(/^\/app\//, '');
      out.push([rel, dest === './' ? (rel.split('/').pop() ?? rel) : dest.replace(/^\.\//, '')]);
    }
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`);
}

/** Whether a repository-relative path is excluded by .dockerignore patterns (the subset of syntax we use). */
export function isIgnored(path: string, patterns: string[]): boolean {
  return patterns.some((p) => {
    if (p.startsWith('**/')) {
      return globToRegExp(p.slice(3)).test(path.split('/').pop() ?? path);
    }
    if (/[*?]/.test(p)) {
      return globToRegExp(p).test(path) || globToRegExp(p).test(path.split('/')[0] ?? path);
    }
    return path === p || path.startsWith(`${p}/`);
  });
}

/** .dockerignore → patterns (comments and blanks dropped). */
export function parseDockerignore(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
