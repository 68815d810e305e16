/**
 * @module services/auth/sessions
 * Server-side sessions in PostgreSQL (the truth on both runtimes, so a revocation is effective on the very next
 * request). A session ends at whichever comes first: SESSION_IDLE_MINUTES without a request, SESSION_ABSOLUTE_HOURS
 * after login, logout, "log out everywhere", a password change (other sessions), or a disabled account.
 * `last_seen_at` is written at most once a minute, so an active user costs one write a minute, not one per request.
 */
import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import { type AuthContext, sessionScopes } from '@/auth/types';
import { sessions, users } from '@/db/schema-auth';
import { type AuthDeps, guardDb } from './context';
import { constantTimeEqual, newSessionToken, parseSessionToken, sha256Hex } from './tokens';

const TOUCH_EVERY_MS = 60_000;

export interface NewSession {
  id: string;
  /** `<id>.<secret>`: goes to the client once (cookie and response body), never stored. */
  token: string;
  secret: string;
  expiresAt: Date;
}

function limits(deps: AuthDeps) {
  return {
    idleMs: deps.config.sessionIdleMinutes * 60_000,
    absoluteMs: deps.config.sessionAbsoluteHours * 3_600_000,
  };
}

/**
 * Starts a session for a user who just proved their password (a new token at every login, ASVS V7.2.4).
 * @param meta - client address and user agent, shown in the session list.
 */
export async function createSession(
  deps: AuthDeps,
  userId: string,
  meta: { ip?: string | undefined; userAgent?: string | undefined },
): Promise<NewSession> {
  const t = newSessionToken();
  const now = new Date(deps.clock.now());
  const expiresAt = new Date(now.getTime() + limits(deps).absoluteMs);
  const secretHash = await sha256Hex(t.secret);
  await guardDb(deps, (db) =>
    db.insert(sessions).values({
      id: t.id,
      user_id: userId,
      secret_hash: secretHash,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      ip: meta.ip?.slice(0, 64) ?? null,
      user_agent: meta.userAgent?.slice(0, 256) ?? null,
    }),
  );
  return { id: t.id, token: t.token, secret: t.secret, expiresAt };
}

/** A validated session: the identity plus the secret (the CSRF token is derived from it). */
export interface ValidSession {
  auth: AuthContext;
  secret: string;
}

/**
 * Resolves a session token. Unknown id, wrong secret, revoked, idle or absolute timeout, disabled user → undefined.
 * @throws {AuthUnavailableError} when the database fails (the caller must not fall back to anonymous).
 */
export async function validateSession(deps: AuthDeps, token: string): Promise<ValidSession | undefined> {
  const parsed = parseSessionToken(token);
  if (parsed === undefined) {
    return undefined;
  }
  const presented = await sha256Hex(parsed.secret);
  const now = deps.clock.now();
  const { idleMs } = limits(deps);
  return guardDb(deps, async (db) => {
    const rows = await db
      .select({ s: sessions, isAdmin: users.is_admin, disabledAt: users.disabled_at })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.user_id))
      .where(eq(sessions.id, parsed.id))
      .limit(1);
    const row = rows[0];
    if (row === undefined || !constantTimeEqual(presented, row.s.secret_hash)) {
      return undefined;
    }
    const s = row.s;
    const alive =
      s.revoked_at === null &&
      row.disabledAt === null &&
      s.expires_at.getTime() > now &&
      s.last_seen_at.getTime() + idleMs > now;
    if (!alive) {
      return undefined;
    }
    if (now - s.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
      await db
        .update(sessions)
        .set({ last_seen_at: new Date(now) })
        .where(eq(sessions.id, s.id));
    }
    return {
      secret: parsed.secret,
      auth: { userId: s.user_id, sessionId: s.id, scopes: sessionScopes(row.isAdmin), via: 'session' },
    };
  });
}

export interface SessionView {
  id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

/** The user's live sessions, newest first; `current` marks the one making the request. */
export async function listSessions(
  deps: AuthDeps,
  userId: string,
  currentId: string | undefined,
): Promise<SessionView[]> {
  const now = deps.clock.now();
  const { idleMs } = limits(deps);
  const rows = await guardDb(deps, (db) =>
    db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.user_id, userId),
          isNull(sessions.revoked_at),
          gt(sessions.expires_at, new Date(now)),
          gt(sessions.last_seen_at, new Date(now - idleMs)),
        ),
      )
      .orderBy(desc(sessions.created_at))
      .limit(100),
  );
  return rows.map((s) => ({
    id: s.id,
    created_at: s.created_at.toISOString(),
    last_seen_at: s.last_seen_at.toISOString(),
    expires_at: s.expires_at.toISOString(),
    ip: s.ip,
    user_agent: s.user_agent,
    current: s.id === currentId,
  }));
}

/**
 * Revokes one of the user's sessions.
 * @returns false when there is no such live session *of this user* (another user's id looks exactly like a
 * missing one, so ids cannot be probed).
 */
export async function revokeSession(deps: AuthDeps, userId: string, sessionId: string): Promise<boolean> {
  const rows = await guardDb(deps, (db) =>
    db
      .update(sessions)
      .set({ revoked_at: new Date(deps.clock.now()) })
      .where(and(eq(sessions.id, sessionId), eq(sessions.user_id, userId), isNull(sessions.revoked_at)))
      .returning({ id: sessions.id }),
  );
  return rows.length > 0;
}

/**
 * Revokes all of the user's sessions, or all but `exceptId` (password change keeps the session that made it).
 * @returns how many were revoked.
 */
export async function revokeAllSessions(deps: AuthDeps, userId: string, exceptId?: string): Promise<number> {
  const rows = await guardDb(deps, (db) =>
    db
      .update(sessions)
      .set({ revoked_at: new Date(deps.clock.now()) })
      .where(
        and(
          eq(sessions.user_id, userId),
          isNull(sessions.revoked_at),
          exceptId === undefined ? undefined : ne(sessions.id, exceptId),
        ),
      )
      .returning({ id: sessions.id }),
  );
  return rows.length;
}
