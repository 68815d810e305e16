/**
 * @module routes/reports
 * LLM valuation reports (issue 7): `POST /api/v1/reports` (SSE) and `GET /api/v1/reports/{id}`.
 */
import type { MountedAuth } from '@/auth/mount';
import type { AppOpenApi } from '@/routes/types';
import { registerGetReport } from './get';
import { registerPostReport } from './post';

export function registerReportRoutes(app: AppOpenApi, auth: Pick<MountedAuth, 'clientAddress'>): void {
  registerPostReport(app, auth.clientAddress);
  registerGetReport(app, auth.clientAddress);
}
