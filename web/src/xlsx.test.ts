import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildXlsx, columnName, crc32 } from './xlsx';

/** Reads a stored ZIP back: name → text, checking each entry's CRC. */
function readZip(bytes: Uint8Array): Map<string, string> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, string>();
  let p = 0;
  while (view.getUint32(p, true) === 0x04034b50) {
    const crc = view.getUint32(p + 14, true);
    const size = view.getUint32(p + 18, true);
    const nameLen = view.getUint16(p + 26, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 30, p + 30 + nameLen));
    const data = bytes.subarray(p + 30 + nameLen, p + 30 + nameLen + size);
    expect(crc32(data)).toBe(crc);
    out.set(name, new TextDecoder().decode(data));
    p += 30 + nameLen + size;
  }
  return out;
}

describe('xlsx writer', () => {
  it('computes CRC-32 like zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('names columns', () => {
    expect([0, 25, 26, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
  });
  it('writes one sheet per table with numbers as numbers and escaped text', () => {
    const bytes = buildXlsx([
      {
        name: '摘要',
        rows: [
          ['每股价值', 1550.52],
          ['a<b & "c"', null],
        ],
      },
      {
        name: 'Forecast/2026',
        rows: [
          ['year', 'revenue'],
          [1, 197318611693.49],
        ],
      },
      { name: '摘要', rows: [['dup']] },
    ]);
    const files = readZip(bytes);
    expect([...files.keys()]).toContain('xl/worksheets/sheet3.xml');
    const wb = files.get('xl/workbook.xml') ?? '';
    expect(wb).toContain('name="摘要"');
    expect(wb).toContain('name="Forecast 2026"');
    expect(wb).toContain('name="摘要 2"');
    const s1 = files.get('xl/worksheets/sheet1.xml') ?? '';
    expect(s1).toContain('<c r="B1"><v>1550.52</v></c>');
    expect(s1).toContain('a&lt;b &amp; &quot;c&quot;');
    expect(files.get('xl/worksheets/sheet2.xml')).toContain('<c r="B2"><v>197318611693.49</v></c>');
  });
  it('is a ZIP that standard tools accept (when python3 is present)', () => {
    let python = true;
    try {
      execFileSync('python3', ['--version']);
    } catch {
      python = false;
    }
    if (!python) {
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'xlsx-'));
    try {
      const file = join(dir, 'a.xlsx');
      writeFileSync(file, buildXlsx([{ name: 'S', rows: [['x', 1]] }]));
      const out = execFileSync('python3', [
        '-c',
        'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print(len(z.namelist()))',
        file,
      ]);
      expect(out.toString().trim()).toBe('5');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
