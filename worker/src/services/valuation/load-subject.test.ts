import { describe, expect, it } from 'vitest';
import { valueCompany } from '@/valuation';
import { relabelServerDefaults } from './load-subject';

const simple = {
  income: [
    { end_date: '20221231', end_type: '4', revenue: 1000, total_revenue: 1000, operate_profit: 150 },
    { end_date: '20231231', end_type: '4', revenue: 1100, total_revenue: 1100, operate_profit: 170 },
    { end_date: '20241231', end_type: '4', revenue: 1200, total_revenue: 1200, operate_profit: 180 },
  ],
  balance: [{ end_date: '20241231', money_cap: 100, st_borr: 50, total_cur_liab: 300 }],
  cashflow: [],
  market: { price: 10, total_shares: 1e8, valuation_date: '2025-05-01' },
};

describe('relabelServerDefaults', () => {
  it('server defaults merged into the options are traced as defaults, the user’s own values stay user', () => {
    const user = { beta: 1.2 };
    const r = valueCompany(simple, { risk_free_rate: 0.025, market_risk_premium: 0.06, ...user });
    relabelServerDefaults(r.assumptions_trace, user);
    const by = (f: string) => r.assumptions_trace.find((t) => t.field === f);
    expect(by('risk_free_rate')).toMatchObject({
      value: 0.025,
      source: 'default',
      note: 'server configuration RISK_FREE_RATE',
    });
    expect(by('market_risk_premium')).toMatchObject({ value: 0.06, source: 'default' });
    expect(by('beta')).toMatchObject({ value: 1.2, source: 'user' });
  });
});
