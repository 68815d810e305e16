/**
 * @module routes/health
 * Health endpoints (no API key required: probes and monitors must reach them).
 */
import type { AppOpenApi } from '@/routes/types';
import { registerGetHealth } from './get';
import { registerProbes } from './probes';

export function registerHealthRoutes(app: AppOpenApi): void {
  registerGetHealth(app);
  registerProbes(app);
}
