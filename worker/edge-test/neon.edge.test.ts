/**
 * The Neon-backed Database inside workerd against real PostgreSQL (through the Neon-protocol bridge): statements
 * over HTTP, interactive transactions over the per-transaction WebSocket pool (commit and rollback), and
 * PostgreSQL errors arriving with their SQLSTATE.
 */
import { env } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { createNeonDatabase } from '@/edge/neon-database';

const db = createNeonDatabase({ url: String(env.DATABASE_URL), localProxy: String(env.NEON_LOCAL_PROXY) });
const key = `edge-neon-${crypto.randomUUID()}`;

describe('Neon database at the edge', () => {
  it('runs a statement over HTTP with typed results', async () => {
    const [row] = await queryRows<{ n: number; t: string }>(db, sql`select 1::int as n, ${'x'}::text as t`);
    expect(row).toEqual({ n: 1, t: 'x' });
  });

  it('commits an interactive transaction (WebSocket pool): a read inside sees the earlier write', async () => {
    const seen = await db.transaction(async (tx) => {
      await tx.execute(sql`insert into meta (key, value, updated_at) values (${key}, 'a', now())`);
      const rows = await queryRows<{ value: string }>(
        tx as never,
        sql`select value from meta where key = ${key}`,
      );
      return rows[0]?.value;
    });
    expect(seen).toBe('a');
    expect(await queryRows(db, sql`select 1 from meta where key = ${key}`)).toHaveLength(1);
    await db.execute(sql`delete from meta where key = ${key}`);
  });

  it('rolls back when the transaction throws', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into meta (key, value, updated_at) values (${key}, 'b', now())`);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await queryRows(db, sql`select 1 from meta where key = ${key}`)).toHaveLength(0);
  });

  it('reports PostgreSQL errors with their SQLSTATE', async () => {
    const err = await db.execute(sql`select * from no_such_table_here`).catch((e: unknown) => e);
    const cause = (err as { cause?: { code?: string }; code?: string }).cause ?? err;
    expect((cause as { code?: string }).code).toBe('42P01');
  });
});
