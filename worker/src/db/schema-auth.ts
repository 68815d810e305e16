/**
 * Accounts, sessions and API keys (issue 4). Secrets never reach these tables: passwords are stored as argon2id PHC
 * strings, session secrets and API keys only as the hex SHA-256 of the secret, so a database leak gives an attacker
 * nothing to replay. Emails are stored lowercased and trimmed (one account per address, case-insensitively).
 *
 * Expiry lives in the rows (not in Redis): revocation and timeouts are checked against PostgreSQL on every request,
 * which is what makes them take effect immediately on Node and on Workers alike.
 */
import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true } as const;

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Lowercased, trimmed. */
    email: text().notNull(),
    /** argon2id PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`). */
    password_hash: text().notNull(),
    is_admin: boolean().notNull().default(false),
    created_at: timestamp(tz).notNull().defaultNow(),
    updated_at: timestamp(tz).notNull().defaultNow(),
    password_changed_at: timestamp(tz).notNull().defaultNow(),
    /** Set when an operator disables the account: every session and key stops working at once. */
    disabled_at: timestamp(tz),
  },
  (t) => [uniqueIndex('users_email_idx').on(t.email)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** Public half of the token (`<id>.<secret>`); also the id users see in the session list. */
    id: uuid().primaryKey().defaultRandom(),
    user_id: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Hex SHA-256 of the 256-bit secret half of the token. */
    secret_hash: text().notNull(),
    created_at: timestamp(tz).notNull(),
    /** Last authenticated request (written at most once a minute); idle timeout counts from here. */
    last_seen_at: timestamp(tz).notNull(),
    /** Absolute timeout: created_at + SESSION_ABSOLUTE_HOURS. */
    expires_at: timestamp(tz).notNull(),
    revoked_at: timestamp(tz),
    /** Client address and user agent at login, shown in the session list (truncated to 64/256 chars). */
    ip: text(),
    user_agent: text(),
  },
  (t) => [index('sessions_user_idx').on(t.user_id, t.created_at)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    user_id: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** 8 visible characters after `sv_`; unique so a key is found without scanning hashes. */
    prefix: text().notNull(),
    /** Hex SHA-256 of the whole key string. */
    key_hash: text().notNull(),
    scopes: text().array().notNull().default(sql`'{}'::text[]`),
    created_at: timestamp(tz).notNull(),
    expires_at: timestamp(tz),
    last_used_at: timestamp(tz),
    revoked_at: timestamp(tz),
  },
  (t) => [uniqueIndex('api_keys_prefix_idx').on(t.prefix), index('api_keys_user_idx').on(t.user_id)],
);

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
