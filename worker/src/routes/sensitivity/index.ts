/**
 * @module routes/sensitivity
 */
import type { AppOpenApi } from '@/routes/types';
import { registerPostSensitivity } from './post';

export function registerSensitivityRoutes(app: AppOpenApi): void {
  registerPostSensitivity(app);
}
