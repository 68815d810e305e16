import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRotatingFile } from './rotating-file';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) {
    rmSync(d, { recursive: true, force: true });
  }
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'stockval-log-'));
  dirs.push(d);
  return d;
}

describe('createRotatingFile', () => {
  it('rotates at maxBytes and keeps maxFiles old files (app.log.1 newest)', () => {
    const dir = tempDir();
    const path = join(dir, 'logs', 'app.log');
    const file = createRotatingFile({ path, maxBytes: 100, maxFiles: 3 });
    // 20 lines of 25 bytes = 500 bytes: 4 lines per file.
    for (let i = 0; i < 20; i++) {
      file.write(`line ${String(i).padStart(2, '0')} ${'x'.repeat(15)}`);
    }
    file.close();
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['app.log', 'app.log.1', 'app.log.2', 'app.log.3']);
    for (const f of ['app.log', 'app.log.1', 'app.log.2', 'app.log.3']) {
      expect(statSync(join(dir, 'logs', f)).size).toBeLessThanOrEqual(100);
    }
    expect(readFileSync(path, 'utf8').split('\n')[0]).toMatch(/^line 16 /);
    expect(readFileSync(`${path}.1`, 'utf8').split('\n')[0]).toMatch(/^line 12 /);
    expect(readFileSync(`${path}.3`, 'utf8').split('\n')[0]).toMatch(/^line 04 /);
    expect(existsSync(`${path}.4`)).toBe(false);
  });

  it('continues an existing file and counts its size', () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    const a = createRotatingFile({ path, maxBytes: 50 });
    a.write('a'.repeat(39));
    a.close();
    const b = createRotatingFile({ path, maxBytes: 50 });
    b.write('b'.repeat(19));
    b.close();
    expect(readFileSync(path, 'utf8')).toBe(`${'b'.repeat(19)}\n`);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(`${'a'.repeat(39)}\n`);
  });

  it('defaults to the deployment guide’s 10 MB × 5', () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    const file = createRotatingFile({ path });
    const line = 'y'.repeat(1023);
    for (let i = 0; i < 10 * 1024 + 1; i++) {
      file.write(line);
    }
    file.close();
    expect(statSync(`${path}.1`).size).toBe(10 * 1024 * 1024);
    expect(statSync(path).size).toBe(1024);
  });

  it('reports a write failure once and keeps the process alive', () => {
    const dir = tempDir();
    const errors: unknown[] = [];
    const file = createRotatingFile({ path: join(dir, 'app.log'), onError: (e) => errors.push(e) });
    rmSync(dir, { recursive: true, force: true });
    file.close();
    // Directory gone: reopening fails on every write, reported once.
    file.write('one');
    file.write('two');
    expect(errors).toHaveLength(1);
  });
});
