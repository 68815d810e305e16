/**
 * @module services/workspace/workspace
 * One saved workspace per user: the last valuation inputs, its result summary and the UI state, restored at the next
 * login. `saveWorkspace` merges: fields absent from the input keep their saved value, so the UI can save only its
 * state and a valuation can update only inputs and summary (see history.ts). Every query filters by `user_id`.
 */
import { eq } from 'drizzle-orm';
import { workspace } from '@/db/schema-workspace';
import type { ServiceContext } from '@/services/context';
import { requireDb } from './db';
import { RecordNotFoundError } from './errors';

export interface WorkspaceView {
  inputs: Record<string, unknown>;
  result_summary: Record<string, unknown> | null;
  ui_state: Record<string, unknown>;
  updated_at: string;
}

export interface WorkspaceInput {
  inputs?: Record<string, unknown> | undefined;
  result_summary?: Record<string, unknown> | null | undefined;
  ui_state?: Record<string, unknown> | undefined;
}

function view(row: typeof workspace.$inferSelect): WorkspaceView {
  return {
    inputs: row.inputs as Record<string, unknown>,
    result_summary: (row.result_summary as Record<string, unknown> | null) ?? null,
    ui_state: row.ui_state as Record<string, unknown>,
    updated_at: row.updated_at.toISOString(),
  };
}

/**
 * @throws {RecordNotFoundError} nothing saved yet (404); {WorkspaceUnavailableError} no database (503).
 */
export async function getWorkspace({
  ctx,
  userId,
}: {
  ctx: ServiceContext;
  userId: string;
}): Promise<WorkspaceView> {
  const rows = await requireDb(ctx).select().from(workspace).where(eq(workspace.user_id, userId)).limit(1);
  const row = rows[0];
  if (row === undefined) {
    throw new RecordNotFoundError('workspace', 'saved yet');
  }
  return view(row);
}

/** Creates or updates the user's workspace (merge, see module doc). */
export async function saveWorkspace({
  ctx,
  userId,
  input,
}: {
  ctx: ServiceContext;
  userId: string;
  input: WorkspaceInput;
}): Promise<WorkspaceView> {
  const now = new Date(ctx.clock.now());
  const set: Partial<typeof workspace.$inferInsert> = { updated_at: now };
  if (input.inputs !== undefined) {
    set.inputs = input.inputs;
  }
  if (input.result_summary !== undefined) {
    set.result_summary = input.result_summary;
  }
  if (input.ui_state !== undefined) {
    set.ui_state = input.ui_state;
  }
  const rows = await requireDb(ctx)
    .insert(workspace)
    .values({
      user_id: userId,
      inputs: input.inputs ?? {},
      result_summary: input.result_summary ?? null,
      ui_state: input.ui_state ?? {},
      updated_at: now,
    })
    .onConflictDoUpdate({ target: workspace.user_id, set })
    .returning();
  const row = rows[0];
  if (row === undefined) {
    throw new Error('workspace upsert returned no row');
  }
  return view(row);
}
