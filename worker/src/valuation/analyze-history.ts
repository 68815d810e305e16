/**
 * @module valuation/analyze-history
 * History analysis, done once per company: period selection as of the valuation date, outlier reporting, interior
 * gap interpolation of key columns, ratio medians (annual first; interim YTD statements as a derived fallback for
 * sparse annual data), revenue CAGR, NWC baselines, latest EBITDA/EPS, LTM baseline and the bridge balance sheet.
 * Nothing here invents a latest-year value or turns a missing item into a silent 0: every gap is in `data_quality`.
 */
import { aggregateNwc } from './balance-items';
import { baseRevenue } from './base-revenue';
import { bridgeMissing, bridgeNotes, selectBridgeBalance } from './bridge-balance';
import { DEFAULTS } from './defaults';
import { type FilledValue, interpolateInterior } from './interpolate';
import { latestActualEbitda } from './latest-ebitda';
import { latestDilutedEps } from './latest-eps';
import { latestNwc } from './latest-nwc';
import { marketWarnings } from './market-checks';
import { num } from './numeric';
import { detectOutliers } from './outliers';
import { buildBundles } from './period-bundles';
import { normaliseFlag, selectPeriods } from './period-selection';
import { analyzeRatios } from './ratio-analysis';
import { type DatedValue, historicalRevenueCagr } from './revenue-cagr';
import type {
  CompanyInput,
  HistoryAnalysis,
  HistoryYear,
  OutlierFlag,
  StatementRow,
  TraceEntry,
  ValuationOptions,
  Warning,
} from './types';
import { validateCompanyInput } from './validate-input';
import { makeWarning } from './warnings';

export const IS_KEY_FIELDS = [
  'total_revenue',
  'revenue',
  'oper_cost',
  'sell_exp',
  'admin_exp',
  'rd_exp',
  'income_tax',
  'total_profit',
] as const;
export const BS_KEY_FIELDS = [
  'accounts_receiv_bill',
  'inventories',
  'accounts_pay',
  'prepayment',
  'oth_cur_assets',
  'contract_liab',
  'adv_receipts',
  'payroll_payable',
  'taxes_payable',
  'oth_payable',
  'total_cur_assets',
  'total_cur_liab',
  'money_cap',
  'st_borr',
  'non_cur_liab_due_1y',
] as const;
export const CF_KEY_FIELDS = [
  'depr_fa_coga_dpba',
  'amort_intang_assets',
  'lt_amort_deferred_exp',
  'c_pay_acq_const_fiolta',
  'c_paid_goods_s',
] as const;
/** Revenue itself is the scale, so it is not screened (a unit slip in it shows in every other item's ratio). */
const IS_OUTLIER_FIELDS = [
  'oper_cost',
  'sell_exp',
  'admin_exp',
  'rd_exp',
  'income_tax',
  'total_profit',
  'operate_profit',
] as const;

function lastN(rows: StatementRow[], keep: Set<string>): StatementRow[] {
  return rows.filter((r) => keep.has(String(r.end_date)));
}

function windowDates(sets: StatementRow[][], n: number): Set<string> {
  const all = new Set<string>();
  for (const rows of sets) {
    for (const r of rows) {
      all.add(String(r.end_date));
    }
  }
  return new Set([...all].sort().slice(-n));
}

function filledWarning(filled: FilledValue[]): Warning {
  const list = filled.map((f) => `${f.field}@${f.end_date}`).join(', ');
  return makeWarning(
    'DATA_ITEM_MISSING',
    'info',
    `以下年度缺失值按相邻年度线性插值（仅用于历史中位数）：${list}`,
    `Interior gaps interpolated linearly (used for historical medians only): ${list}`,
    [...new Set(filled.map((f) => f.field))],
  );
}

/**
 * Analyses a company's history as of `input.market.valuation_date`.
 * @param input statements (all periods, TuShare names, yuan) and market data
 * @param options only `forecast_years`, `history_window_years`, `outlier_iqr_k`, `ltm_baseline_enabled` are read
 * @throws ValuationError INVALID_INPUT | INSUFFICIENT_HISTORY
 */
export function analyzeHistory(input: CompanyInput, options: ValuationOptions = {}): HistoryAnalysis {
  const asOf = validateCompanyInput(input);
  const warnings: Warning[] = [];
  const trace: TraceEntry[] = [];
  const isSel = selectPeriods(input.income, asOf);
  const bsSel = selectPeriods(input.balance, asOf);
  const cfSel = selectPeriods(input.cashflow, asOf);
  const years = options.forecast_years ?? DEFAULTS.forecast_years;
  const window = options.history_window_years ?? Math.max(years + 3, 5);
  const keep = windowDates([isSel.annual, bsSel.annual, cfSel.annual], window);
  const isA = lastN(isSel.annual, keep);
  const bsA = lastN(bsSel.annual, keep);
  const cfA = lastN(cfSel.annual, keep);

  const filled: FilledValue[] = [];
  const isF = interpolateInterior(isA, IS_KEY_FIELDS, filled);
  const bsF = interpolateInterior(bsA, BS_KEY_FIELDS, filled);
  const cfF = interpolateInterior(cfA, CF_KEY_FIELDS, filled);
  if (filled.length > 0) {
    warnings.push(filledWarning(filled));
  }
  const outliers = screenOutliers(isF, bsF, cfF, options.outlier_iqr_k ?? DEFAULTS.outlier_iqr_k, warnings);
  const annual = buildBundles(isF, bsF, cfF, true);
  const interim = buildBundles(isSel.interim, bsSel.interim, cfSel.interim, false);
  const oclMode = options.ocl_aggregation_mode ?? 'standard';
  const ratios = analyzeRatios(annual, interim, warnings, trace, oclMode);

  const cagr = historicalRevenueCagr(revenuePoints(isA));

  const allBalance = [...bsSel.annual, ...bsSel.interim].sort((a, b) =>
    String(a.end_date) < String(b.end_date) ? -1 : 1,
  );
  const nwcBase = latestNwc(allBalance, oclMode);
  trace.push(
    {
      field: 'last_actual_nwc',
      value: nwcBase.aggregate,
      source: 'derived',
      note: `aggregate NWC ${nwcBase.aggregate_end_date ?? 'n/a'}`,
    },
    {
      field: 'last_component_nwc',
      value: nwcBase.component,
      source: 'derived',
      note: `component NWC ${nwcBase.component_end_date ?? 'n/a'}`,
    },
  );
  const daForEbitda = ratios.values.da_to_revenue_ratio ?? DEFAULTS.da_to_revenue_ratio;
  const ebitda = latestActualEbitda(annual, daForEbitda);
  if (ebitda.da_source === 'estimated') {
    trace.push({
      field: 'latest_actual_ebitda',
      value: ebitda.value,
      source: 'derived',
      note: `operate_profit ${ebitda.end_date} + D&A estimated at ${daForEbitda} of revenue (D&A not reported)`,
    });
  }
  const baseline = baseRevenue(
    isSel.annual,
    isSel.interim,
    options.ltm_baseline_enabled === true,
    asOf,
    warnings,
    trace,
  );
  const bridge = selectBridgeBalance(allBalance);
  bridgeNotes(bridge, warnings, trace);
  const eps = latestDilutedEps(isSel.annual, input.fina_indicator ?? [], asOf, trace);
  warnings.push(...marketWarnings(input, bridge.row));

  const history: HistoryYear[] = annual.map((b) => ({
    end_date: b.end_date,
    total_revenue: num(b.is, 'total_revenue'),
    revenue: num(b.is, 'revenue'),
    operate_profit: num(b.is, 'operate_profit'),
    n_income: num(b.is, 'n_income'),
    nwc: aggregateNwc(b.bs),
  }));
  const latestAnnual = annual[annual.length - 1];
  const duplicates = isSel.duplicatesDropped + bsSel.duplicatesDropped + cfSel.duplicatesDropped;
  coverageWarnings(annual.length, duplicates, warnings);
  const compType = input.comp_type ?? compTypeOf(isSel.annual, isSel.interim);
  return {
    ts_code: input.ts_code ?? null,
    name: input.name ?? null,
    comp_type: compType,
    valuation_date: asOf,
    base_revenue: baseline.revenue,
    baseline_debug: baseline.debug,
    ratio_sources: ratios.sources,
    historical_ratios: {
      ...ratios.values,
      historical_revenue_cagr: cagr,
      last_actual_nwc: nwcBase.aggregate,
      last_component_nwc: nwcBase.component,
      latest_actual_ebitda: ebitda.value,
    },
    history,
    latest_ebit: ebitda.ebit,
    latest_diluted_eps: eps,
    bridge_balance: bridge.balance,
    bridge_balance_detailed: bridge.detailed,
    market: input.market,
    warnings,
    trace,
    data_quality: {
      annual_periods: annual.map((b) => b.end_date),
      latest_annual_end_date: latestAnnual === undefined ? null : latestAnnual.end_date,
      bridge_balance_end_date: bridge.balance.end_date,
      missing_items: [
        ...ratios.missing,
        ...filled.map((f) => ({
          item: f.field,
          statement: 'derived' as const,
          handling: `interpolated ${f.end_date} = ${f.value}`,
        })),
        ...bridgeMissing(bridge),
      ],
      outliers,
      duplicates_dropped: duplicates,
    },
  };
}

function compTypeOf(annual: readonly StatementRow[], interim: readonly StatementRow[]): string | null {
  for (const rows of [interim, annual]) {
    for (let i = rows.length - 1; i >= 0; i--) {
      const c = normaliseFlag((rows[i] as StatementRow).comp_type);
      if (c !== null) {
        return c;
      }
    }
  }
  return null;
}

function fmt(x: number): string {
  return Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4);
}

/**
 * IQR screening after gap interpolation, so every period has a revenue to scale by (see outliers.ts). Findings become
 * info warnings; values are never changed.
 */
function screenOutliers(
  isF: StatementRow[],
  bsF: StatementRow[],
  cfF: StatementRow[],
  k: number,
  warnings: Warning[],
): OutlierFlag[] {
  const revenueByDate = new Map<string, number>();
  for (const r of isF) {
    const v = num(r, 'total_revenue') ?? num(r, 'revenue');
    if (v !== null) {
      revenueByDate.set(String(r.end_date), v);
    }
  }
  const scale = revenueByDate.size >= 4 ? revenueByDate : undefined;
  const outliers = [
    ...detectOutliers('income', isF, IS_OUTLIER_FIELDS, k, scale),
    ...detectOutliers('balance', bsF, BS_KEY_FIELDS, k, scale),
    ...detectOutliers('cashflow', cfF, CF_KEY_FIELDS, k, scale),
  ];
  for (const o of outliers) {
    const ratio = o.basis === 'ratio_to_revenue';
    warnings.push(
      makeWarning(
        'DATA_OUTLIER',
        'info',
        `${o.field} 在 ${o.end_date} 的值 ${o.value}${ratio ? '（占营业总收入比例）' : ''}超出历史四分位区间 [${fmt(o.lower_bound)}, ${fmt(o.upper_bound)}]，已保留原值`,
        `${o.field} at ${o.end_date} = ${o.value} lies outside the IQR fences [${fmt(o.lower_bound)}, ${fmt(o.upper_bound)}]${ratio ? ' (as a share of total revenue)' : ''}; kept as reported`,
        [o.field],
      ),
    );
  }
  return outliers;
}

/** Reported (not interpolated) revenue points for the CAGR: total_revenue, else revenue. */
function revenuePoints(rows: readonly StatementRow[]): DatedValue[] {
  const out: DatedValue[] = [];
  for (const r of rows) {
    const v = num(r, 'total_revenue') ?? num(r, 'revenue');
    if (v !== null) {
      out.push({ end_date: String(r.end_date), value: v });
    }
  }
  return out;
}

function coverageWarnings(annualCount: number, duplicates: number, warnings: Warning[]): void {
  if (annualCount < 3) {
    warnings.push(
      makeWarning(
        'HISTORY_SHORT',
        'warning',
        `仅有 ${annualCount} 个年度报告期，历史中位数可靠性较低`,
        `Only ${annualCount} annual periods available; historical medians are weak`,
        ['income'],
      ),
    );
  }
  if (duplicates > 0) {
    warnings.push(
      makeWarning(
        'DATA_DUPLICATES_DROPPED',
        'info',
        `同一报告期存在多行报表，已按合并报表/更新标志/公告日选取 1 行（丢弃 ${duplicates} 行）`,
        `Several rows per period; one kept by report_type/update_flag/ann_date (${duplicates} dropped)`,
        ['income', 'balance', 'cashflow'],
      ),
    );
  }
}
