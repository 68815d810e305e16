/**
 * @module routes/auth/schema
 * Request and response schemas of the account endpoints. Passwords are bounded here (1–1024 characters) only to cap
 * the work one request can cause; the real policy (12–256, not common) runs in the service with a clear message.
 */
import { z } from '@hono/zod-openapi';
import { SCOPES } from '@/auth/types';

export const EmailSchema = z.string().trim().max(254).pipe(z.email()).openapi({
  description: 'Email address (case-insensitive; stored lowercased)',
  example: 'investor@example.com',
});

const PasswordInput = z.string().min(1).max(1024);

export const CredentialsSchema = z
  .object({
    email: EmailSchema,
    password: PasswordInput.openapi({
      description: 'At least 12 characters, not a common password',
      example: 'glacier-paprika-lantern',
    }),
  })
  .openapi('Credentials');

export const ChangePasswordSchema = z
  .object({
    current_password: PasswordInput.openapi({ example: 'glacier-paprika-lantern' }),
    new_password: PasswordInput.openapi({ example: 'harbour-quince-violet-77' }),
  })
  .openapi('ChangePassword');

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: '5f1c2b1e-8c1a-4f7e-9a51-0c3b2d1e4f5a' }),
    email: z.string().openapi({ example: 'investor@example.com' }),
    created_at: z.string().openapi({ example: '2026-03-14T02:00:00.000Z' }),
    is_admin: z.boolean().openapi({ example: false }),
  })
  .openapi('User');

export const RegisterResponseSchema = z.object({ user: UserSchema }).openapi('RegisterResponse');

export const LoginResponseSchema = z
  .object({
    user: UserSchema,
    token: z.string().openapi({
      description: 'Session token for `Authorization: Bearer` (also set as the HttpOnly sv_session cookie)',
      example: '5f1c2b1e-8c1a-4f7e-9a51-0c3b2d1e4f5a.Qm9ndXMtc2VjcmV0LW5vdC1yZWFsLXRva2VuLXZhbHVlcw',
    }),
    csrf_token: z.string().openapi({
      description:
        'Send as X-CSRF-Token on cookie-authenticated POST/PUT/PATCH/DELETE (also the sv_csrf cookie)',
    }),
    expires_at: z.string().openapi({
      description: 'Absolute expiry; the session also ends after SESSION_IDLE_MINUTES without a request',
      example: '2026-03-14T14:00:00.000Z',
    }),
  })
  .openapi('LoginResponse');

export const MeResponseSchema = z
  .object({
    user: UserSchema,
    auth: z.object({
      via: z.enum(['session', 'api_key', 'server_key']),
      scopes: z.array(z.enum(SCOPES)),
      session_id: z.string().nullable(),
      api_key_id: z.string().nullable(),
    }),
  })
  .openapi('MeResponse');

export const SessionSchema = z
  .object({
    id: z.string(),
    created_at: z.string(),
    last_seen_at: z.string(),
    expires_at: z.string(),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    current: z.boolean().openapi({ description: 'The session making this request' }),
  })
  .openapi('Session');

export const SessionsResponseSchema = z.object({ sessions: z.array(SessionSchema) }).openapi('SessionList');

export const RevokedResponseSchema = z
  .object({ revoked: z.number().int().openapi({ description: 'Sessions ended', example: 3 }) })
  .openapi('Revoked');

export const IdParamSchema = z.object({
  id: z
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' }, example: '5f1c2b1e-8c1a-4f7e-9a51-0c3b2d1e4f5a' }),
});
