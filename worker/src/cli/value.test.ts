import { describe, expect, it } from 'vitest';
import { ValuationRequestSchema } from '@/routes/valuation/schema';
import { parseValueArgs } from './value';

describe('parseValueArgs', () => {
  it('maps --set aliases and typed values', () => {
    const { body } = parseValueArgs(['600519.SH', '--set', 'wacc=0.08', '--set', 'stub_period=true']);
    expect({ ...body }).toEqual({ ts_code: '600519.SH', discount_rate: 0.08, stub_period: true });
  });

  it('--set __proto__ becomes an ordinary unknown key that validation rejects by name', () => {
    const { body } = parseValueArgs(['600519.SH', '--set', '__proto__=1', '--set', 'toString=2']);
    expect(Object.keys(body)).toEqual(['ts_code', '__proto__', 'toString']);
    const r = ValuationRequestSchema.safeParse(body);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('__proto__');
  });
});
