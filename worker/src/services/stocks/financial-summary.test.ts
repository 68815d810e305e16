import { describe, expect, it } from 'vitest';
import type { StatementRow } from '@/data/types';
import { buildFinancialSummary, selectAnnualRows } from './financial-summary';

describe('selectAnnualRows', () => {
  it('keeps annual periods, preferring consolidated, update_flag 1, then the latest announcement', () => {
    const rows: StatementRow[] = [
      {
        end_date: '20241231',
        end_type: '4',
        report_type: '1',
        update_flag: '0',
        ann_date: '20250301',
        total_revenue: 1,
      },
      {
        end_date: '20241231',
        end_type: '4',
        report_type: '1',
        update_flag: '1',
        ann_date: '20250302',
        total_revenue: 2,
      },
      {
        end_date: '20241231',
        end_type: '4',
        report_type: '6',
        update_flag: '1',
        ann_date: '20250401',
        total_revenue: 3,
      },
      { end_date: '20240930', end_type: '3', total_revenue: 9 },
      { end_date: '20231231', total_revenue: 5 },
    ];
    expect(selectAnnualRows(rows).map((r) => r.total_revenue)).toEqual([5, 2]);
  });
});

describe('buildFinancialSummary', () => {
  it('builds the original table shape for the last N years (yuan; gross profit = total_revenue − oper_cost)', () => {
    const income = [2019, 2020, 2021, 2022, 2023, 2024].map((y) => ({
      end_date: `${y}1231`,
      end_type: '4',
      total_revenue: y * 10,
      oper_cost: y,
    }));
    const balance = [{ end_date: '20241231', end_type: '4', notes_receiv: 3, accounts_receiv: 4 }];
    const { years, rows } = buildFinancialSummary({ income, balance, cashflow: [] }, 5);
    expect(years).toEqual(['2020', '2021', '2022', '2023', '2024']);
    const gross = rows.find((r) => r.field === 'gross_profit');
    expect(gross).toMatchObject({ 科目: '毛利润', 报表类型: '利润表', '2024': 2024 * 9, '2020': 2020 * 9 });
    const ar = rows.find((r) => r.field === 'accounts_receiv_bill');
    expect(ar).toMatchObject({ 报表类型: '资产负债表', '2024': 7, '2023': null });
    expect(rows.find((r) => r.field === 'n_cashflow_act')?.['2024']).toBeNull();
  });
});
