/**
 * @module db/schema-reports
 * Stored valuation reports (issue 7). One row per generated report, owned by `user_id`: the auth layer's user id as
 * text, `server-key` for API_SECRET_KEY, or `anon:<hash of the client address>` on the open local default. Every
 * query filters by it (services/reports/report-store.ts).
 *
 * A report is cached by (user, valuation hash, language, generator): asking again for the same valuation returns
 * the stored report without a model call, and a different model or the no-LLM template is a different report.
 * `verification` is the number check (flagged numbers with positions); `grounding` the facts the report was allowed
 * to cite, so a client can show what each citation refers to. The daily quota counts rows per user and China day.
 */
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const reports = pgTable(
  'reports',
  {
    id: uuid().primaryKey().defaultRandom(),
    user_id: text().notNull(),
    /** Result-cache key of the valuation the report describes (`valuation:v2:<sha256>`). */
    valuation_hash: text().notNull(),
    /** Null for inline statements. */
    ts_code: text(),
    /** `YYYY-MM-DD` the valuation is as of. */
    valuation_date: text().notNull(),
    /** `zh-CN` or `en`. */
    language: text().notNull(),
    /** `template` (written without a model) or `llm:<provider>:<model>`. */
    generator: text().notNull(),
    /** Markdown. */
    content: text().notNull(),
    verification: jsonb().notNull(),
    grounding: jsonb().notNull(),
    prompt_tokens: integer(),
    completion_tokens: integer(),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('reports_cache_idx').on(t.user_id, t.valuation_hash, t.language, t.generator),
    index('reports_user_created_idx').on(t.user_id, t.created_at),
  ],
);

export type ReportRow = typeof reports.$inferSelect;
