/**
 * @module services/auth/login-throttle
 * Brute-force protection for sign-in (ops-security.md §1.4): failures are counted per account and per client address
 * (IPv6 per /64, since one host owns a whole /64) over 24 h. From the threshold on, each further failure locks the
 * account or address for twice as long as the previous lock: base, 2×, 4× ... capped at 1 h. Locks are temporary
 * on purpose: a permanent lock would let anyone lock out any user. A success clears the account's counter.
 *
 * Fails closed: when the counter store (Redis) is unreachable, sign-in answers 503 instead of running unthrottled.
 * Account keys are SHA-256 of the normalised email, so Redis never holds addresses.
 */
import type { RateLimitStore } from '@/middleware/rate-limit/store';
import { type AuthDeps, AuthUnavailableError, authFailureFields, TooManyAttemptsError } from './context';
import { sha256Hex } from './tokens';

const FAILURE_WINDOW_MS = 24 * 3600 * 1000;
export const MAX_LOCK_MS = 3600 * 1000;

/** Client address as a throttling key: IPv4 as is, IPv6 cut to its /64. */
export function addressKey(ip: string): string {
  const v6 = ip.includes(':') && !ip.startsWith('::ffff:');
  if (!v6) {
    return ip.replace(/^::ffff:/, '');
  }
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** Lock length after `failures` failures (0 below the threshold). */
export function lockMs(failures: number, threshold: number, baseSeconds: number): number {
  if (failures < threshold) {
    return 0;
  }
  return Math.min(MAX_LOCK_MS, baseSeconds * 1000 * 2 ** Math.min(20, failures - threshold));
}

async function keys(email: string, ip: string) {
  const account = `login:acct:${await sha256Hex(email)}`;
  const address = `login:ip:${addressKey(ip)}`;
  return { account, address };
}

/** Runs a store step; a failure fails closed (503) and is logged, so an operator can tell which step it was. */
async function safely<T>(deps: AuthDeps, step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    deps.logger.error('auth throttle store step failed', { step, ...authFailureFields(err) });
    throw new AuthUnavailableError();
  }
}

async function remainingLock(store: RateLimitStore, key: string, now: number): Promise<number> {
  return store.ttlMs(`${key}:lock`, now);
}

/**
 * Refuses the attempt while the account or the address is locked.
 * @throws {TooManyAttemptsError} locked (429 with Retry-After); {@link AuthUnavailableError} store down (503).
 */
export async function assertLoginAllowed(deps: AuthDeps, email: string, ip: string): Promise<void> {
  const k = await keys(email, ip);
  const now = deps.clock.now();
  const [acct, addr] = await safely(deps, 'read lock', () =>
    Promise.all([remainingLock(deps.store, k.account, now), remainingLock(deps.store, k.address, now)]),
  );
  const wait = Math.max(acct, addr);
  if (wait > 0) {
    throw new TooManyAttemptsError(
      Math.ceil(wait / 1000),
      acct >= addr
        ? 'Too many failed sign-ins for this account; try again later'
        : 'Too many failed sign-ins from this address; try again later',
    );
  }
}

/** Counts a failure for both keys and starts (or lengthens) their locks once past the thresholds. */
export async function recordLoginFailure(deps: AuthDeps, email: string, ip: string): Promise<void> {
  const k = await keys(email, ip);
  const now = deps.clock.now();
  const { lockoutThreshold, lockoutIpThreshold, lockoutSeconds } = deps.config;
  await safely(deps, 'record failure', async () => {
    const [acct, addr] = await Promise.all([
      deps.store.increment(`${k.account}:fail`, FAILURE_WINDOW_MS, now),
      deps.store.increment(`${k.address}:fail`, FAILURE_WINDOW_MS, now),
    ]);
    const acctLock = lockMs(acct, lockoutThreshold, lockoutSeconds);
    const addrLock = lockMs(addr, lockoutIpThreshold, lockoutSeconds);
    await Promise.all([
      acctLock > 0 ? deps.store.setFlag(`${k.account}:lock`, acctLock, now) : undefined,
      addrLock > 0 ? deps.store.setFlag(`${k.address}:lock`, addrLock, now) : undefined,
    ]);
    if (acctLock > 0 || addrLock > 0) {
      deps.logger.warn('sign-in locked after repeated failures', {
        account_failures: acct,
        address_failures: addr,
        lock_seconds: Math.ceil(Math.max(acctLock, addrLock) / 1000),
      });
    }
  });
}

/** A successful sign-in forgives the account's failures (the address keeps its count). */
export async function clearLoginFailures(deps: AuthDeps, email: string): Promise<void> {
  const k = await keys(email, '0.0.0.0');
  await safely(deps, 'clear failures', () => deps.store.delete(`${k.account}:fail`, `${k.account}:lock`));
}

/**
 * Sliding-window budget for register/login/password changes per address (AUTH_RATE_LIMIT_PER_MINUTE), failing
 * closed like the lockouts.
 * @throws {TooManyAttemptsError} over budget; {@link AuthUnavailableError} store down.
 */
export async function assertAuthBudget(deps: AuthDeps, action: string, ip: string): Promise<void> {
  const limit = deps.config.authRateLimitPerMinute;
  const result = await safely(deps, 'budget', () =>
    deps.store.hit(`auth:${action}:${addressKey(ip)}`, limit, 60_000, deps.clock.now()),
  );
  if (!result.allowed) {
    throw new TooManyAttemptsError(
      Math.max(1, Math.ceil(result.retryAfterMs / 1000)),
      `Too many ${action} attempts from this address; at most ${limit} per minute`,
    );
  }
}
