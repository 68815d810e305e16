/**
 * @module services/workspace/limits
 */

/** Largest request kept in history / workspace as JSON text, bytes (inline statements beyond it are dropped). */
export const MAX_SAVED_INPUT_BYTES = 64 * 1024;
