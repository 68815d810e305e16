/**
 * @module routes/keys
 * Personal API keys under `/api/v1/keys` (a signed-in session manages them; keys cannot manage keys).
 */
import type { MountedAuth } from '@/auth/mount';
import type { AppOpenApi } from '@/routes/types';
import { registerCreateKey } from './create';
import { registerDeleteKey } from './delete';
import { registerListKeys } from './list';

export function registerKeyRoutes(app: AppOpenApi, auth: MountedAuth): void {
  registerListKeys(app, auth);
  registerCreateKey(app, auth);
  registerDeleteKey(app, auth);
}
