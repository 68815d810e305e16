/**
 * @module routes/auth
 * Account endpoints under `/api/v1/auth`: register, login, logout, logout-all, me, password, sessions.
 */
import type { MountedAuth } from '@/auth/mount';
import type { AppOpenApi } from '@/routes/types';
import { registerLogin } from './login';
import { registerLogout } from './logout';
import { registerMe } from './me';
import { registerPassword } from './password';
import { registerRegister } from './register';
import { registerSessions } from './sessions';

export function registerAuthRoutes(app: AppOpenApi, auth: MountedAuth): void {
  registerRegister(app, auth);
  registerLogin(app, auth);
  registerLogout(app, auth);
  registerMe(app, auth);
  registerPassword(app, auth);
  registerSessions(app, auth);
}
