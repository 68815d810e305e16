/**
 * @module routes/keys/schema
 * API key schemas. The secret appears in exactly one response (creation) and never in a list.
 */
import { z } from '@hono/zod-openapi';
import { SCOPES } from '@/auth/types';

export const ScopeSchema = z.enum(SCOPES).openapi({
  description: 'valuation:read (valuations, stock data), reports:write (LLM reports), admin (operators)',
  example: 'valuation:read',
});

export const CreateKeySchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      // PostgreSQL text cannot hold NUL: without this check the insert failed and the client got a 503.
      .refine((v) => !v.includes('\u0000'), 'must not contain NUL characters')
      .openapi({ description: 'Your label', example: 'nightly screener' }),
    scopes: z
      .array(ScopeSchema)
      .min(1)
      .max(SCOPES.length)
      .openapi({ example: ['valuation:read'] }),
    expires_at: z.iso.datetime({ offset: true }).optional().openapi({
      description: 'ISO 8601 time after which the key stops working; omitted = no expiry',
      example: '2027-01-01T00:00:00Z',
    }),
  })
  .openapi('CreateApiKey');

export const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: '0b6f1c9e-3c55-4a8e-9d0e-7f1a2b3c4d5e' }),
    name: z.string(),
    prefix: z.string().openapi({ description: 'Visible start of the key', example: 'sv_k3m9x2qa' }),
    scopes: z.array(ScopeSchema),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable().openapi({ description: 'Updated at most once a minute' }),
    status: z.enum(['active', 'expired']),
  })
  .openapi('ApiKey');

export const CreateKeyResponseSchema = z
  .object({
    key: ApiKeySchema,
    secret: z.string().openapi({
      description: 'The full key, shown only now: send it as Authorization: Bearer <secret>',
      example: 'sv_k3m9x2qa_not-a-real-key-not-a-real-key-not-a-real-k',
    }),
  })
  .openapi('CreatedApiKey');

export const ListKeysResponseSchema = z.object({ keys: z.array(ApiKeySchema) }).openapi('ApiKeyList');
