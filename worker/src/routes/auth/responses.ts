/**
 * @module routes/auth/responses
 * Error responses the account and key endpoints add to the shared ones.
 */
import { ErrorSchema } from '@/errors/openapi-responses';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

export const forbiddenResponse = {
  403: error('Credential lacks the scope, is not a session, or CSRF token missing (CSRF_FAILED)'),
} as const;
export const notFoundIdResponse = { 404: error('No such record of yours') } as const;
export const conflictResponse = { 409: error('Already exists / limit reached') } as const;
