/**
 * @module services/auth/users
 * Account verbs: register, sign in, change password, read. Sign-in checks the throttle first, spends the same
 * argon2id time whether or not the account exists, and upgrades the stored hash when its parameters are outdated.
 * Plaintext passwords only ever live in these function arguments: they are not logged, stored or returned.
 */
import { eq } from 'drizzle-orm';
import type { AuthContext } from '@/auth/types';
import { users } from '@/db/schema-auth';
import { InvalidRequestError, ServiceError } from '@/services/errors';
import { type AuthDeps, guardDb, guardPasswords, InvalidCredentialsError } from './context';
import {
  assertAuthBudget,
  assertLoginAllowed,
  clearLoginFailures,
  recordLoginFailure,
} from './login-throttle';
import { passwordProblem } from './password-policy';
import { createSession, type NewSession, revokeAllSessions, revokeSession } from './sessions';

export interface UserView {
  id: string;
  email: string;
  created_at: string;
  is_admin: boolean;
}

function userView(row: typeof users.$inferSelect): UserView {
  return { id: row.id, email: row.email, created_at: row.created_at.toISOString(), is_admin: row.is_admin };
}

/** Emails compare case-insensitively and without surrounding blanks. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function assertPasswordOk(password: string, email: string, field: string): void {
  const problem = passwordProblem(password, email);
  if (problem !== undefined) {
    throw new InvalidRequestError(`${field} ${problem}`, [{ path: field, message: problem }]);
  }
}

/**
 * Creates an account.
 * @throws {InvalidRequestError} weak password; {@link ServiceError} CONFLICT for a taken email;
 * TooManyAttemptsError over the per-address budget.
 */
export async function registerUser(
  deps: AuthDeps,
  input: { email: string; password: string; ip: string },
): Promise<UserView> {
  await assertAuthBudget(deps, 'register', input.ip);
  const email = normalizeEmail(input.email);
  assertPasswordOk(input.password, email, 'password');
  const passwordHash = await guardPasswords(deps, (p) => p.hash(input.password));
  const now = new Date(deps.clock.now());
  const rows = await guardDb(deps, (db) =>
    db
      .insert(users)
      .values({
        email,
        password_hash: passwordHash,
        created_at: now,
        updated_at: now,
        password_changed_at: now,
      })
      .onConflictDoNothing({ target: users.email })
      .returning(),
  );
  const row = rows[0];
  if (row === undefined) {
    throw new ServiceError('CONFLICT', 'An account with this email already exists; sign in instead');
  }
  deps.logger.info('user registered', { user_id: row.id });
  return userView(row);
}

/**
 * Signs in: throttle → verify → (rehash) → new session.
 * @throws {InvalidCredentialsError} wrong email or password (one message for both); TooManyAttemptsError while
 * locked; AuthUnavailableError when the database or the throttle store is down.
 */
export async function loginUser(
  deps: AuthDeps,
  input: { email: string; password: string; ip: string; userAgent?: string | undefined },
): Promise<{ user: UserView; session: NewSession }> {
  const email = normalizeEmail(input.email);
  await assertAuthBudget(deps, 'login', input.ip);
  await assertLoginAllowed(deps, email, input.ip);
  const rows = await guardDb(deps, (db) => db.select().from(users).where(eq(users.email, email)).limit(1));
  const row = rows[0];
  if (row === undefined) {
    await guardPasswords(deps, (p) => p.verifyDummy(input.password));
    await recordLoginFailure(deps, email, input.ip);
    throw new InvalidCredentialsError();
  }
  const check = await guardPasswords(deps, (p) => p.verify(input.password, row.password_hash));
  if (!check.ok || row.disabled_at !== null) {
    await recordLoginFailure(deps, email, input.ip);
    throw new InvalidCredentialsError();
  }
  await clearLoginFailures(deps, email);
  if (check.needsRehash) {
    const upgraded = await guardPasswords(deps, (p) => p.hash(input.password));
    await guardDb(deps, (db) =>
      db.update(users).set({ password_hash: upgraded }).where(eq(users.id, row.id)),
    );
    deps.logger.info('password hash upgraded', { user_id: row.id });
  }
  const session = await createSession(deps, row.id, { ip: input.ip, userAgent: input.userAgent });
  deps.logger.info('user signed in', { user_id: row.id, session_id: session.id });
  return { user: userView(row), session };
}

/** The caller's account; undefined when it no longer exists. */
export async function getUser(deps: AuthDeps, userId: string): Promise<UserView | undefined> {
  const rows = await guardDb(deps, (db) => db.select().from(users).where(eq(users.id, userId)).limit(1));
  return rows[0] === undefined ? undefined : userView(rows[0]);
}

/**
 * Changes the password after re-checking the current one and revokes every other session of the user (ASVS
 * V7.4.3). The session making the change is replaced by a new one (a new token after re-authentication, ASVS
 * V7.2.4), so a token captured before the change is useless. API keys are separate credentials and stay valid.
 * @returns how many other sessions were revoked, and the replacement session (when a session made the change).
 * @throws {InvalidCredentialsError} wrong current password (counts as a failed sign-in); InvalidRequestError weak
 * or unchanged new password.
 */
export async function changePassword(
  deps: AuthDeps,
  auth: AuthContext,
  input: { current_password: string; new_password: string; ip: string; userAgent?: string | undefined },
): Promise<{ revoked: number; session: NewSession | undefined }> {
  await assertAuthBudget(deps, 'password', input.ip);
  const rows = await guardDb(deps, (db) => db.select().from(users).where(eq(users.id, auth.userId)).limit(1));
  const row = rows[0];
  if (row === undefined) {
    throw new InvalidCredentialsError('Your account no longer exists');
  }
  await assertLoginAllowed(deps, row.email, input.ip);
  const check = await guardPasswords(deps, (p) => p.verify(input.current_password, row.password_hash));
  if (!check.ok) {
    await recordLoginFailure(deps, row.email, input.ip);
    throw new InvalidCredentialsError('The current password is wrong');
  }
  if (input.new_password === input.current_password) {
    throw new InvalidRequestError('new_password must differ from the current password', [
      { path: 'new_password', message: 'must differ from the current password' },
    ]);
  }
  assertPasswordOk(input.new_password, row.email, 'new_password');
  const hash = await guardPasswords(deps, (p) => p.hash(input.new_password));
  const now = new Date(deps.clock.now());
  await guardDb(deps, (db) =>
    db
      .update(users)
      .set({ password_hash: hash, password_changed_at: now, updated_at: now })
      .where(eq(users.id, row.id)),
  );
  const revoked = await revokeAllSessions(deps, row.id, auth.sessionId);
  let session: NewSession | undefined;
  if (auth.sessionId !== undefined) {
    await revokeSession(deps, row.id, auth.sessionId);
    session = await createSession(deps, row.id, { ip: input.ip, userAgent: input.userAgent });
  }
  deps.logger.info('password changed', { user_id: row.id, sessions_revoked: revoked });
  return { revoked, session };
}
