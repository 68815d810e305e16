/**
 * @module services/workspace/limits
 */

/** Largest request kept in history / workspace as JSON text, bytes (inline statements beyond it are dropped). */
export const MAX_SAVED_INPUT_BYTES = 64 * 1024;

/** History entries kept per user; older ones are deleted when a new valuation is recorded. */
export const MAX_HISTORY_PER_USER = 1000;
