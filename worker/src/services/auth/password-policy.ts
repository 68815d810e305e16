/**
 * @module services/auth/password-policy
 * What a new password must satisfy (ASVS 5 V6.2): 12 to 256 characters, no composition rules, not a common
 * password. "Common" covers the bundled top-10 000 list (common-passwords-data.ts) and the usual ways of stretching
 * a short common password to 12 characters: digits or symbols around it (`password1234`), repetition
 * (`dragondragon`), two common words glued together (`monkeydragon`), keyboard or alphabet runs
 * (`qwertyuiopas`, `123456789012`) and the user's own email. Checks are case-insensitive; the password itself is
 * never changed, truncated or case-folded before hashing.
 */
import { commonPasswords } from './common-passwords';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

let common: Set<string> | undefined;

/** The bundled list as a set (built on first use: ~10 000 entries, ~1 ms). */
function commonSet(): Set<string> {
  common ??= new Set(commonPasswords());
  return common;
}

const RUNS = ['0123456789012345678901234567890', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm'];
const RUN_TEXT = [...RUNS, ...RUNS.map((r) => [...r].reverse().join(''))];

function isCommonWord(w: string): boolean {
  return w.length >= 3 && commonSet().has(w);
}

/** The password without leading/trailing digits and symbols (`!!password2024` → `password`). */
function core(lower: string): string {
  return lower.replace(/^[\d\W_]+/, '').replace(/[\d\W_]+$/, '');
}

function isRepetition(lower: string): boolean {
  for (let n = 1; n <= lower.length / 2; n++) {
    if (lower.length % n === 0 && lower.slice(0, n).repeat(lower.length / n) === lower) {
      return true;
    }
  }
  return false;
}

function isTwoCommonWords(w: string): boolean {
  for (let i = 3; i <= w.length - 3; i++) {
    if (isCommonWord(w.slice(0, i)) && isCommonWord(w.slice(i))) {
      return true;
    }
  }
  return false;
}

/** Why a password is refused, in words for the 400 response; undefined when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  }
  const lower = password.toLowerCase();
  const stripped = core(lower);
  if (isCommonWord(lower) || isCommonWord(stripped) || isRepetition(lower) || isTwoCommonWords(stripped)) {
    return 'is too common; use a longer passphrase of unrelated words';
  }
  if (RUN_TEXT.some((run) => run.includes(lower)) || isRepetition(stripped)) {
    return 'is a simple sequence; use a longer passphrase of unrelated words';
  }
  const local = email?.toLowerCase().split('@')[0] ?? '';
  if (local.length >= 4 && lower.includes(local)) {
    return 'must not contain your email address';
  }
  return undefined;
}
