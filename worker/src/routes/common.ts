/**
 * @module routes/common
 * Schemas shared by several resources: stock codes, dates, warnings.
 */
import { z } from '@hono/zod-openapi';
import { isCalendarDate } from '@/services/dates';

/** `^\d{6}\.(SH|SZ|BJ)$`, case-normalized (600519.sh → 600519.SH). */
export const TS_CODE_PATTERN = /^\d{6}\.(SH|SZ|BJ)$/;

export const TsCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(TS_CODE_PATTERN, 'must look like 600519.SH (6 digits, then .SH, .SZ or .BJ)')
  .openapi({
    description: 'TuShare code: 6 digits + exchange (SH, SZ, BJ); case-insensitive',
    example: '600519.SH',
  });

export const IsoDateSchema = z
  .string()
  .refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD')
  .openapi({ description: 'Calendar date YYYY-MM-DD', example: '2025-06-30' });

export const WarningSchema = z
  .object({
    code: z.string().openapi({ example: 'PGR_CAPPED' }),
    severity: z.enum(['info', 'warning', 'critical']),
    message_zh: z.string(),
    message_en: z.string(),
    fields: z.array(z.string()),
  })
  .openapi('Warning');

export const NullableNumber = z.number().nullable();
