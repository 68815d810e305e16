/**
 * @module services/auth/common-passwords
 * The bundled common-password list (common-passwords-data.ts), stored front-coded: sorted, each line one digit (how
 * many leading characters it shares with the previous word, 0–9) followed by the rest of the word. Sorted and
 * front-coded, the 10 000 words take ~23 KiB gzipped in the Worker bundle instead of ~37 KiB as plain text, which
 * the Worker's 300 KiB budget needs (scripts/check-bundle.mjs). Decoding takes ~1 ms, once.
 */
import { COMMON_PASSWORDS_FRONT_CODED } from './common-passwords-data';

/**
 * Front-codes a list.
 * @param words - any order; they are sorted here. None may contain a newline.
 * @returns the encoded text (one line per word).
 * @example frontCode(['password1', 'password']) // '0password\n81'
 */
export function frontCode(words: readonly string[]): string {
  const sorted = [...words].sort();
  const lines: string[] = [];
  let prev = '';
  for (const w of sorted) {
    let n = 0;
    while (n < 9 && n < prev.length && n < w.length && prev[n] === w[n]) {
      n++;
    }
    lines.push(`${n}${w.slice(n)}`);
    prev = w;
  }
  return lines.join('\n');
}

/**
 * Decodes {@link frontCode} output.
 * @returns the words, sorted.
 */
export function decodeFrontCoded(text: string): string[] {
  const out: string[] = [];
  let prev = '';
  for (const line of text.split('\n')) {
    const w = prev.slice(0, Number(line[0])) + line.slice(1);
    out.push(w);
    prev = w;
  }
  return out;
}

/** The 10 000 most common passwords (sorted). */
export function commonPasswords(): string[] {
  return decodeFrontCoded(COMMON_PASSWORDS_FRONT_CODED);
}
