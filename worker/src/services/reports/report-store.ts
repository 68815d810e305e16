/**
 * @module services/reports/report-store
 * Where reports live: the `reports` table when the service has an application database, else process memory (a
 * TuShare-only deployment still serves reports, they just do not survive a restart). Every read filters by owner.
 */
import { and, count, desc, eq, gte } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { reports } from '@/db/schema';
import type { GroundingInput, Verification } from './grounding-types';

export interface StoredReport {
  id: string;
  user_id: string;
  valuation_hash: string;
  ts_code: string | null;
  valuation_date: string;
  language: string;
  generator: string;
  content: string;
  verification: Verification;
  grounding: GroundingInput;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  created_at: Date;
}

export type NewReport = Omit<StoredReport, 'id' | 'created_at'>;

export interface ReportStore {
  /** The owner's latest report for this valuation, language and generator. */
  findCached(
    userId: string,
    valuationHash: string,
    language: string,
    generator: string,
  ): Promise<StoredReport | undefined>;
  get(userId: string, id: string): Promise<StoredReport | undefined>;
  /** Reports the owner generated since `since` (quota). */
  countSince(userId: string, since: Date): Promise<number>;
  insert(report: NewReport, now: Date): Promise<StoredReport>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fromRow(r: typeof reports.$inferSelect): StoredReport {
  return { ...r, verification: r.verification as Verification, grounding: r.grounding as GroundingInput };
}

/** PostgreSQL / PGlite / Neon store. */
export function createPgReportStore(db: Database): ReportStore {
  return {
    async findCached(userId, valuationHash, language, generator) {
      const rows = await db
        .select()
        .from(reports)
        .where(
          and(
            eq(reports.user_id, userId),
            eq(reports.valuation_hash, valuationHash),
            eq(reports.language, language),
            eq(reports.generator, generator),
          ),
        )
        .orderBy(desc(reports.created_at))
        .limit(1);
      return rows[0] === undefined ? undefined : fromRow(rows[0]);
    },
    async get(userId, id) {
      if (!UUID.test(id)) {
        return undefined;
      }
      const rows = await db
        .select()
        .from(reports)
        .where(and(eq(reports.id, id), eq(reports.user_id, userId)))
        .limit(1);
      return rows[0] === undefined ? undefined : fromRow(rows[0]);
    },
    async countSince(userId, since) {
      const rows = await db
        .select({ n: count() })
        .from(reports)
        .where(and(eq(reports.user_id, userId), gte(reports.created_at, since)));
      return Number(rows[0]?.n ?? 0);
    },
    async insert(report, now) {
      const rows = await db
        .insert(reports)
        .values({ ...report, created_at: now })
        .returning();
      const row = rows[0];
      if (row === undefined) {
        throw new Error('insert returned no row');
      }
      return fromRow(row);
    },
  };
}

/** In-process store (no application database); bounded so it cannot grow without limit. */
export function createMemoryReportStore(maxReports = 1000): ReportStore {
  const rows: StoredReport[] = [];
  return {
    async findCached(userId, valuationHash, language, generator) {
      return rows.findLast(
        (r) =>
          r.user_id === userId &&
          r.valuation_hash === valuationHash &&
          r.language === language &&
          r.generator === generator,
      );
    },
    async get(userId, id) {
      return rows.find((r) => r.id === id && r.user_id === userId);
    },
    async countSince(userId, since) {
      return rows.filter((r) => r.user_id === userId && r.created_at >= since).length;
    },
    async insert(report, now) {
      const row: StoredReport = { ...report, id: crypto.randomUUID(), created_at: now };
      rows.push(row);
      if (rows.length > maxReports) {
        rows.shift();
      }
      return row;
    },
  };
}
