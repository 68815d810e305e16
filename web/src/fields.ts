/**
 * @module web/fields
 * The assumptions form, grouped as in the original system's full DCF form (forecast, financial ratios, WACC,
 * terminal value; sensitivity has its own controls). Each field names the engine option it sets, the
 * `assumptions_trace` entry its default comes from, a slider range in engine units and an explanation in both
 * languages. Driver targets are set without a mode: the engine then moves from the historical median to the target
 * over the forecast (its documented "target without a mode" rule).
 */
import type { FieldKind } from './format';

export type GroupKey = 'forecast' | 'ratios' | 'wacc' | 'terminal';

interface BaseField {
  /** Engine option name (ValuationOptions key). */
  key: string;
  group: GroupKey;
  label: { zh: string; en: string };
  help: { zh: string; en: string };
}

export interface NumberField extends BaseField {
  type: 'number';
  kind: FieldKind;
  min: number;
  max: number;
  step: number;
  /** assumptions_trace field holding the value used when the user sets nothing. */
  trace: string;
  /** Engine default when the trace has no entry (e.g. perpetual growth under the exit-multiple method). */
  fallback?: number;
}

export interface ChoiceField extends BaseField {
  type: 'choice';
  options: { value: string; zh: string; en: string }[];
  trace?: string;
  fallback: string;
}

export interface FlagField extends BaseField {
  type: 'flag';
  fallback: boolean;
}

export type Field = NumberField | ChoiceField | FlagField;

const n = (
  key: string,
  group: GroupKey,
  kind: FieldKind,
  [min, max, step]: [number, number, number],
  trace: string,
  label: [string, string],
  help: [string, string],
  fallback?: number,
): NumberField => ({
  key,
  group,
  type: 'number',
  kind,
  min,
  max,
  step,
  trace,
  label: { zh: label[0], en: label[1] },
  help: { zh: help[0], en: help[1] },
  ...(fallback !== undefined ? { fallback } : {}),
});

export const FIELDS: Field[] = [
  n(
    'forecast_years',
    'forecast',
    'years',
    [3, 15, 1],
    'forecast_years',
    ['预测年数', 'Forecast years'],
    [
      '明确预测的年数，之后用终值概括。年数越长，越依赖远期假设。',
      'Years forecast explicitly before the terminal value takes over; longer horizons lean more on distant guesses.',
    ],
  ),
  n(
    'revenue_cagr',
    'forecast',
    'pct',
    [-0.2, 0.5, 0.0025],
    'revenue_cagr',
    ['起始收入增速', 'Starting revenue growth'],
    [
      '第 1 年的营业收入增速；默认取历史复合增速（上限 30%，下限 −30%）。',
      'Revenue growth in year 1; defaults to the historical CAGR (capped at 30 %, floored at −30 %).',
    ],
  ),
  n(
    'cagr_decay_rate',
    'forecast',
    'pct',
    [0, 0.6, 0.01],
    'cagr_decay_rate',
    ['增速年衰减', 'Yearly growth decay'],
    [
      '每年增速按此比例递减：g(y) = 起始增速 × (1 − 衰减)^(y−1)，模拟高增长逐步回落。',
      'Growth shrinks by this share each year, g(y) = start × (1 − decay)^(y−1), so high growth fades.',
    ],
  ),
  {
    key: 'ltm_baseline_enabled',
    group: 'forecast',
    type: 'flag',
    fallback: false,
    label: { zh: '以最近 12 个月收入为基数', en: 'Base on last twelve months' },
    help: {
      zh: '用最近四个季度（LTM）而不是上一年报的收入作为预测起点，年报较旧时更贴近现状。',
      en: 'Start the forecast from last-twelve-month revenue instead of the last annual report; closer to today when the report is old.',
    },
  },
  {
    key: 'mid_year_convention',
    group: 'forecast',
    type: 'flag',
    fallback: false,
    label: { zh: '年中折现', en: 'Mid-year discounting' },
    help: {
      zh: '假设现金流在年中而非年末到账，折现期减半年，估值略高。',
      en: 'Assume cash arrives mid-year rather than at year end: half a year less discounting, slightly higher value.',
    },
  },
  n(
    'target_operating_margin',
    'ratios',
    'pct',
    [-0.2, 0.9, 0.0025],
    'operating_margin',
    ['营业利润率（EBIT/收入）', 'Operating margin (EBIT/revenue)'],
    [
      '默认沿用历史中位数；设定后从中位数逐年线性过渡到目标值。',
      'Defaults to the historical median; a target is reached linearly over the forecast.',
    ],
  ),
  n(
    'target_sga_to_revenue_ratio',
    'ratios',
    'pct',
    [0, 0.5, 0.0025],
    'sga_to_revenue_ratio',
    ['销售及管理费用率', 'Selling & admin / revenue'],
    [
      '销售费用加管理费用占收入的比例，影响毛利到 EBIT 之间的拆分。',
      'Selling plus admin expense as a share of revenue; splits gross profit from EBIT.',
    ],
  ),
  n(
    'target_rd_to_revenue_ratio',
    'ratios',
    'pct',
    [0, 0.3, 0.0025],
    'rd_to_revenue_ratio',
    ['研发费用率', 'R&D / revenue'],
    ['研发费用占收入的比例。', 'R&D expense as a share of revenue.'],
  ),
  n(
    'target_da_to_revenue_ratio',
    'ratios',
    'pct',
    [0, 0.3, 0.0025],
    'da_to_revenue_ratio',
    ['折旧摊销占收入', 'D&A / revenue'],
    [
      '折旧与摊销是非现金费用，加回到自由现金流；也决定 EBITDA 和退出倍数终值。',
      'Depreciation and amortisation are non-cash and added back to free cash flow; they also set EBITDA for the exit multiple.',
    ],
  ),
  n(
    'target_capex_to_revenue_ratio',
    'ratios',
    'pct',
    [0, 0.4, 0.0025],
    'capex_to_revenue_ratio',
    ['资本开支占收入', 'Capex / revenue'],
    [
      '购建固定资产等长期资产的支出占收入的比例，直接减少自由现金流。',
      'Spending on fixed and other long-term assets as a share of revenue; reduces free cash flow one for one.',
    ],
  ),
  n(
    'target_accounts_receivable_days',
    'ratios',
    'days',
    [0, 365, 1],
    'accounts_receivable_days',
    ['应收账款周转天数', 'Receivable days'],
    [
      '按 360 天计的应收账款天数（相对收入）。天数上升会占用现金。',
      'Receivables in days of revenue (360-day year); more days tie up more cash.',
    ],
  ),
  n(
    'target_inventory_days',
    'ratios',
    'days',
    [0, 2000, 5],
    'inventory_days',
    ['存货周转天数', 'Inventory days'],
    [
      '存货相对营业成本的天数。白酒等行业存货天数天然很高。',
      'Inventory in days of cost of sales; naturally high for e.g. baijiu makers.',
    ],
  ),
  n(
    'target_accounts_payable_days',
    'ratios',
    'days',
    [0, 365, 1],
    'accounts_payable_days',
    ['应付账款周转天数', 'Payable days'],
    [
      '应付账款相对营业成本的天数；天数越高，供应商提供的资金越多。',
      'Payables in days of cost of sales; more days means suppliers fund more of the business.',
    ],
  ),
  n(
    'target_effective_tax_rate',
    'ratios',
    'pct',
    [0, 0.45, 0.0025],
    'effective_tax_rate',
    ['有效税率', 'Effective tax rate'],
    [
      '所得税占利润总额的比例；默认取历史中位数，无数据时用 25%（中国法定税率）。',
      'Income tax as a share of pre-tax profit; historical median, else 25 % (the statutory rate in China).',
    ],
  ),
  n(
    'discount_rate',
    'wacc',
    'pct',
    [0.03, 0.2, 0.0025],
    'wacc',
    ['WACC（直接指定）', 'WACC (set directly)'],
    [
      '加权平均资本成本，用来折现未来现金流。默认由下面各项按 CAPM 计算；直接指定后这些分项不再参与。',
      'Weighted average cost of capital used to discount cash flows. By default computed from the items below (CAPM); setting it directly overrides them.',
    ],
  ),
  {
    key: 'wacc_weight_mode',
    group: 'wacc',
    type: 'choice',
    trace: 'wacc_weight_mode',
    fallback: 'target',
    options: [
      { value: 'target', zh: '目标资本结构', en: 'Target structure' },
      { value: 'market', zh: '市值权重', en: 'Market weights' },
    ],
    label: { zh: '资本权重', en: 'Capital weights' },
    help: {
      zh: '目标：按下方目标负债率加权；市值：按股票市值与有息负债加权。',
      en: 'Target: weight by the target debt ratio below; market: by market capitalisation and interest-bearing debt.',
    },
  },
  n(
    'target_debt_ratio',
    'wacc',
    'pct',
    [0, 0.9, 0.01],
    'target_debt_ratio',
    ['目标负债率 D/V', 'Target debt ratio D/V'],
    [
      '有息负债占资本总额的比例（目标权重模式下使用）。原系统默认 45%。',
      'Interest-bearing debt as a share of capital (target weights). The original system’s default is 45 %.',
    ],
  ),
  n(
    'cost_of_debt',
    'wacc',
    'pct',
    [0, 0.15, 0.0025],
    'cost_of_debt',
    ['税前债务成本', 'Pre-tax cost of debt'],
    [
      '借款的利率；税后成本 = 利率 × (1 − 税率)。',
      'Interest rate on borrowing; after tax = rate × (1 − tax).',
    ],
  ),
  n(
    'risk_free_rate',
    'wacc',
    'pct',
    [0, 0.08, 0.0005],
    'risk_free_rate',
    ['无风险利率', 'Risk-free rate'],
    [
      '通常取 10 年期国债收益率（2026 年中约 1.74%）。默认值由服务器环境变量 RISK_FREE_RATE 设定。',
      'Usually the 10-year government bond yield (about 1.74 % in mid-2026). Default set by the server’s RISK_FREE_RATE.',
    ],
  ),
  n(
    'beta',
    'wacc',
    'number',
    [0.3, 2.5, 0.05],
    'beta',
    ['贝塔 β', 'Beta β'],
    [
      '股价相对大盘的波动程度；1 表示与市场同步。默认值由 DEFAULT_BETA 设定。',
      'How much the stock moves with the market; 1 = in step. Default set by DEFAULT_BETA.',
    ],
  ),
  n(
    'market_risk_premium',
    'wacc',
    'pct',
    [0, 0.12, 0.0025],
    'market_risk_premium',
    ['市场风险溢价', 'Market risk premium'],
    [
      '股票相对国债的额外回报要求；Damodaran 2026 年 1 月中国为 5.14%。默认值由 MARKET_RISK_PREMIUM 设定。',
      'Extra return equities must earn over bonds; Damodaran’s China figure was 5.14 % in Jan 2026. Default set by MARKET_RISK_PREMIUM.',
    ],
  ),
  n(
    'size_premium',
    'wacc',
    'pct',
    [0, 0.05, 0.0025],
    'size_premium',
    ['规模溢价', 'Size premium'],
    [
      '小公司额外要求的回报，直接加到股权成本上。',
      'Extra return asked of small companies, added to the cost of equity.',
    ],
  ),
  {
    key: 'terminal_value_method',
    group: 'terminal',
    type: 'choice',
    trace: 'terminal_value_method',
    fallback: 'exit_multiple',
    options: [
      { value: 'exit_multiple', zh: '退出倍数（EV/EBITDA）', en: 'Exit multiple (EV/EBITDA)' },
      { value: 'perpetual_growth', zh: '永续增长', en: 'Perpetual growth' },
    ],
    label: { zh: '终值方法', en: 'Terminal value method' },
    help: {
      zh: '预测期之后的价值：按末年 EBITDA 乘以倍数，或按自由现金流永续增长（戈登模型）。',
      en: 'Value beyond the forecast: final-year EBITDA times a multiple, or free cash flow growing forever (Gordon).',
    },
  },
  n(
    'exit_multiple',
    'terminal',
    'multiple',
    [2, 30, 0.5],
    'exit_multiple',
    ['退出倍数 EV/EBITDA', 'Exit multiple EV/EBITDA'],
    [
      '预测末年按企业价值/EBITDA 的倍数估算终值。原系统默认 8 倍。',
      'Terminal value as a multiple of final-year EBITDA. The original system’s default is 8×.',
    ],
    8,
  ),
  n(
    'perpetual_growth_rate',
    'terminal',
    'pct',
    [-0.02, 0.06, 0.0025],
    'perpetual_growth_rate',
    ['永续增长率', 'Perpetual growth rate'],
    [
      '预测期后自由现金流的长期增速，应低于名义 GDP 增速（上限 5%）且明显低于 WACC。默认 2.5%。',
      'Long-run growth of free cash flow after the forecast; keep it below nominal GDP growth (cap 5 %) and well below WACC. Default 2.5 %.',
    ],
    0.025,
  ),
];

export const GROUPS: GroupKey[] = ['forecast', 'ratios', 'wacc', 'terminal'];

/** Sensitivity axes offered (engine SENSITIVITY_PARAMETERS) and their default steps in engine units. */
export const SENS_PARAMS = [
  'wacc',
  'exit_multiple',
  'perpetual_growth_rate',
  'revenue_cagr',
  'operating_margin',
] as const;
export type SensParam = (typeof SENS_PARAMS)[number];
export const SENS_STEP: Record<SensParam, number> = {
  wacc: 0.005,
  exit_multiple: 1,
  perpetual_growth_rate: 0.0025,
  revenue_cagr: 0.02,
  operating_margin: 0.02,
};
export const SENS_METRICS = [
  'value_per_share',
  'enterprise_value',
  'equity_value',
  'tv_ev_ratio',
  'dcf_implied_pe',
  'implied_pgr',
] as const;
export type SensMetric = (typeof SENS_METRICS)[number];
