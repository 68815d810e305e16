/**
 * @module valuation/financial-models
 * Equity models for banks, insurers and brokers (TuShare comp_type '2', '3', '4').
 *
 * Why not DCF: for a financial firm debt is raw material, not financing, so UFCF, NWC and an EV→equity
 * bridge are meaningless (reference-system.md §17.17: the original only printed a warning and ran the DCF anyway).
 * Two equity-side models are offered instead, both discounting at the cost of equity Ke (CAPM):
 *
 * 1. **Residual income (excess return on book value)** — the default.
 *    RI_t = (ROE_t − Ke)·BV_{t−1};  value = BV_0 + Σ_{t=1..N} RI_t/(1+Ke)^t + TV_N/(1+Ke)^N,
 *    TV_N = (ROE_T − Ke)·BV_N/(Ke − g). ROE fades linearly from ROE_0 to ROE_T (default Ke: in competitive
 *    equilibrium no excess return survives, Damodaran `eqexret.xls`) over N years; book value follows clean
 *    surplus, BV_t = BV_{t−1} + NI_t·(1 − payout).
 * 2. **Dividend discount (two-stage Gordon)**: V = Σ_{t=1..N₁} D_0(1+g₁)^t/(1+Ke)^t + D_{N₁}(1+g)/(Ke−g)/(1+Ke)^{N₁}.
 *
 * Inputs: BV_0 = latest total_hldr_eqy_exc_min_int (else fina_indicator bps × shares); ROE_0 = median of the last
 * ≤ 3 annual ROEs (fina_indicator roe %, else n_income_attr_p / year-end BV); DPS_0 = TTM cash_div_tax, else
 * payout × EPS. Every resolved input is recorded in the trace.
 *
 * Not applicable (ValuationError `MODEL_NOT_APPLICABLE`): book value ≤ 0 or unknown, loss-making latest year,
 * no ROE, or (DDM) no dividend information.
 */
import { assertFinite } from './assert-finite';
import { parseValuationDate } from './dates';
import { DEFAULTS } from './defaults';
import { ValuationError } from './errors';
import { num } from './numeric';
import { selectPeriods } from './period-selection';
import type { CompanyInput, StatementRow, TraceEntry, ValuationOptions, Warning } from './types';
import { makeWarning } from './warnings';

/** Options of {@link valueFinancialCompany}: the general options, whose financial-model fields it reads. */
export type FinancialModelOptions = ValuationOptions;

export type FinancialModel = 'residual_income' | 'ddm';

/** One year of the residual-income schedule; amounts in yuan. */
export interface ResidualIncomeRow {
  year: number;
  book_value_begin: number;
  roe: number;
  net_income: number;
  dividends: number;
  residual_income: number;
  discount_factor: number;
  pv_residual_income: number;
  book_value_end: number;
}

export interface ResidualIncomeDetails {
  book_value: number;
  roe_start: number;
  terminal_roe: number;
  fade_years: number;
  payout_ratio: number;
  pv_residual_income: number;
  terminal_value: number;
  pv_terminal_value: number;
  rows: ResidualIncomeRow[];
}

export interface DdmDetails {
  /** DPS_0, yuan per share. */
  dividend_per_share: number;
  stage1_years: number;
  stage1_growth_rate: number;
  pv_stage1: number;
  terminal_value: number;
  pv_terminal_value: number;
}

/** Result of {@link valueFinancialCompany}; `valueCompany` wraps it into a `ValuationResult`. */
export interface FinancialValuationResult {
  model: FinancialModel;
  /** Equity value, yuan. */
  equity_value: number;
  /** Yuan per share; null when the share count is unknown. */
  value_per_share: number | null;
  cost_of_equity_used: number;
  perpetual_growth_rate_used: number;
  /** VPS/price − 1, null without price or VPS. */
  upside: number | null;
  residual_income: ResidualIncomeDetails | null;
  ddm: DdmDetails | null;
  warnings: Warning[];
  assumptions_trace: TraceEntry[];
}

/** Defaults of the financial models (decimals). CAPM defaults match reference-system.md §15. */
export const FINANCIAL_DEFAULTS = {
  risk_free_rate: DEFAULTS.risk_free_rate,
  beta: DEFAULTS.beta,
  market_risk_premium: DEFAULTS.market_risk_premium,
  perpetual_growth_rate: DEFAULTS.perpetual_growth_rate,
  min_growth_spread: DEFAULTS.min_wacc_growth_spread,
  roe_fade_years: 10,
  payout_ratio: 0.3,
  ddm_stage1_years: 5,
  ddm_stage1_growth_cap: 0.1,
} as const;

/** Inputs resolved from statements (shared by both models). */
interface FinancialInputs {
  bookValue: number | null;
  shares: number | null;
  roe: number | null;
  latestNetIncome: number | null;
  eps: number | null;
  dps: number | null;
  price: number | null;
}

/**
 * Values a bank, insurer or broker with an equity model.
 *
 * @param input - company statements (yuan), fina_indicator, dividends and market data
 * @param options - model choice, CAPM inputs (decimals), fade/payout/growth assumptions
 * @returns equity value (yuan), VPS (yuan/share), Ke, per-model details, warnings and trace
 * @throws ValuationError `MODEL_NOT_APPLICABLE` when no model can be applied (reason in message and details),
 *   `GROWTH_NOT_BELOW_WACC` when g ≥ Ke − spread, `INVALID_OPTION` for out-of-range options
 * @example
 * valueFinancialCompany(bankInput, { financial_model: 'residual_income', beta: 0.8 }).value_per_share;
 */
export function valueFinancialCompany(
  input: CompanyInput,
  options: FinancialModelOptions = {},
): FinancialValuationResult {
  const trace: TraceEntry[] = [];
  const ke = resolveCostOfEquity(options, trace);
  const g = resolveGrowth(options, ke, trace);
  const data = extractFinancialInputs(input, options, trace);
  const choice = options.financial_model ?? 'auto';
  if (choice === 'residual_income') {
    return residualIncome(data, options, ke, g, trace);
  }
  if (choice === 'ddm') {
    return dividendDiscount(data, options, ke, g, trace);
  }
  try {
    return residualIncome(data, options, ke, g, trace);
  } catch (riError) {
    if (!(riError instanceof ValuationError) || riError.code !== 'MODEL_NOT_APPLICABLE') {
      throw riError;
    }
    try {
      const result = dividendDiscount(data, options, ke, g, trace);
      result.warnings.push(fallbackWarning(riError.message));
      return result;
    } catch (ddmError) {
      if (ddmError instanceof ValuationError && ddmError.code === 'MODEL_NOT_APPLICABLE') {
        throw new ValuationError(
          'MODEL_NOT_APPLICABLE',
          `valueFinancialCompany: neither residual income (${riError.message}) nor DDM (${ddmError.message}) applies`,
          { residual_income: riError.details, ddm: ddmError.details },
        );
      }
      throw ddmError;
    }
  }
}

/**
 * Cost of equity: user `cost_of_equity`, else CAPM Ke = Rf + β·(MRP + CRP) + size + IRP.
 * @throws ValuationError `INVALID_OPTION` when Ke is not in (0, 1)
 */
export function resolveCostOfEquity(options: FinancialModelOptions, trace: TraceEntry[]): number {
  if (options.cost_of_equity !== undefined) {
    checkRate('cost_of_equity', options.cost_of_equity, 0, 1);
    trace.push({ field: 'cost_of_equity', value: options.cost_of_equity, source: 'user' });
    return options.cost_of_equity;
  }
  const rf = pick(options.risk_free_rate, FINANCIAL_DEFAULTS.risk_free_rate, 'risk_free_rate', trace);
  const beta = pick(options.beta, FINANCIAL_DEFAULTS.beta, 'beta', trace);
  const mrp = pick(
    options.market_risk_premium,
    FINANCIAL_DEFAULTS.market_risk_premium,
    'market_risk_premium',
    trace,
  );
  const crp = options.country_risk_premium ?? 0;
  const ke = rf + beta * (mrp + crp) + (options.size_premium ?? 0) + (options.industry_risk_premium ?? 0);
  if (!Number.isFinite(ke) || ke <= 0 || ke >= 1) {
    throw new ValuationError('INVALID_OPTION', `resolveCostOfEquity: cost of equity ${ke} is not in (0, 1)`, {
      cost_of_equity: ke,
    });
  }
  trace.push({
    field: 'cost_of_equity',
    value: ke,
    source: 'derived',
    note: 'CAPM Rf + β·(MRP+CRP) + size + IRP',
  });
  return ke;
}

function resolveGrowth(options: FinancialModelOptions, ke: number, trace: TraceEntry[]): number {
  const g = pick(
    options.perpetual_growth_rate,
    FINANCIAL_DEFAULTS.perpetual_growth_rate,
    'perpetual_growth_rate',
    trace,
  );
  checkRate('perpetual_growth_rate', g, -0.5, 0.5);
  const spread = options.min_wacc_growth_spread ?? FINANCIAL_DEFAULTS.min_growth_spread;
  if (ke - g < spread) {
    throw new ValuationError(
      'GROWTH_NOT_BELOW_WACC',
      `valueFinancialCompany: perpetual growth ${g} is not below cost of equity ${ke} by ${spread}`,
      { perpetual_growth_rate: g, cost_of_equity: ke, min_wacc_growth_spread: spread },
    );
  }
  return g;
}

/**
 * Residual income on book value (see module header for the formula).
 * @throws ValuationError `MODEL_NOT_APPLICABLE` for missing/non-positive book value, loss-making or missing ROE
 */
function residualIncome(
  data: FinancialInputs,
  options: FinancialModelOptions,
  ke: number,
  g: number,
  baseTrace: TraceEntry[],
): FinancialValuationResult {
  const trace = [...baseTrace];
  const bv0 = data.bookValue;
  if (bv0 === null || bv0 <= 0) {
    throw notApplicable('residual_income', 'book value of equity is missing or not positive', {
      book_value: bv0,
    });
  }
  if (data.latestNetIncome !== null && data.latestNetIncome < 0) {
    throw notApplicable('residual_income', 'company is loss-making (latest annual net income < 0)', {
      n_income_attr_p: data.latestNetIncome,
    });
  }
  const roe0 = options.roe ?? data.roe;
  if (roe0 === null || roe0 <= 0) {
    throw notApplicable('residual_income', 'no positive return on equity', { roe: roe0 });
  }
  if (options.roe !== undefined) {
    checkRate('roe', options.roe, -1, 1);
    trace.push({ field: 'roe', value: options.roe, source: 'user' });
  }
  const n = intOption(
    'roe_fade_years',
    options.roe_fade_years,
    FINANCIAL_DEFAULTS.roe_fade_years,
    1,
    30,
    trace,
  );
  const roeT = options.terminal_roe ?? ke;
  trace.push({
    field: 'terminal_roe',
    value: roeT,
    source: options.terminal_roe === undefined ? 'derived' : 'user',
  });
  const payout = resolvePayout(data, options, trace, true) ?? FINANCIAL_DEFAULTS.payout_ratio;
  const schedule = residualIncomeSchedule(bv0, roe0, roeT, ke, g, n, payout);
  const equity = bv0 + schedule.pv_residual_income + schedule.pv_terminal_value;
  return finish('residual_income', equity, data, ke, g, trace, {
    residual_income: {
      book_value: bv0,
      roe_start: roe0,
      terminal_roe: roeT,
      fade_years: n,
      payout_ratio: payout,
      ...schedule,
    },
    ddm: null,
  });
}

/**
 * Pure residual-income schedule: ROE_t = ROE_0 + (ROE_T − ROE_0)·t/N, NI_t = ROE_t·BV_{t−1},
 * RI_t = (ROE_t − Ke)·BV_{t−1}, BV_t = BV_{t−1} + NI_t·(1 − payout), TV_N = (ROE_T − Ke)·BV_N/(Ke − g).
 *
 * @param bv0 - book value of equity at the valuation date, yuan
 * @param roe0 - starting ROE (decimal); roeT - terminal ROE (decimal); ke - cost of equity (decimal)
 * @param g - perpetual growth of residual income after year N (decimal, < ke)
 * @param years - fade length N (≥ 1); payout - dividend payout ratio (decimal)
 */
export function residualIncomeSchedule(
  bv0: number,
  roe0: number,
  roeT: number,
  ke: number,
  g: number,
  years: number,
  payout: number,
): Pick<ResidualIncomeDetails, 'pv_residual_income' | 'terminal_value' | 'pv_terminal_value' | 'rows'> {
  const rows: ResidualIncomeRow[] = [];
  let bv = bv0;
  let pv = 0;
  let df = 1;
  for (let t = 1; t <= years; t++) {
    const roe = roe0 + ((roeT - roe0) * t) / years;
    const netIncome = roe * bv;
    const ri = (roe - ke) * bv;
    df /= 1 + ke;
    const dividends = netIncome * payout;
    const end = bv + netIncome - dividends;
    rows.push({
      year: t,
      book_value_begin: bv,
      roe,
      net_income: netIncome,
      dividends,
      residual_income: ri,
      discount_factor: df,
      pv_residual_income: ri * df,
      book_value_end: end,
    });
    pv += ri * df;
    bv = end;
  }
  const terminalValue = ((roeT - ke) * bv) / (ke - g);
  return {
    pv_residual_income: pv,
    terminal_value: terminalValue,
    pv_terminal_value: terminalValue * df,
    rows,
  };
}

/**
 * Two-stage dividend discount model (see module header).
 * @throws ValuationError `MODEL_NOT_APPLICABLE` when no dividend per share can be determined or it is ≤ 0
 */
function dividendDiscount(
  data: FinancialInputs,
  options: FinancialModelOptions,
  ke: number,
  g: number,
  baseTrace: TraceEntry[],
): FinancialValuationResult {
  const trace = [...baseTrace];
  const payout = resolvePayout(data, options, trace, false);
  let dps = data.dps;
  if (dps !== null) {
    trace.push({ field: 'dividend_per_share', value: dps, source: 'derived', note: 'TTM cash_div_tax' });
  } else if (payout !== null && data.eps !== null && data.eps > 0) {
    dps = payout * data.eps;
    trace.push({
      field: 'dividend_per_share',
      value: dps,
      source: 'derived',
      note: 'payout_ratio × latest EPS',
    });
  }
  if (dps === null || dps <= 0) {
    throw notApplicable('ddm', 'no positive dividend per share (no TTM dividends and no payout × EPS)', {
      dps,
    });
  }
  const n1 = intOption(
    'ddm_stage1_years',
    options.ddm_stage1_years,
    FINANCIAL_DEFAULTS.ddm_stage1_years,
    0,
    30,
    trace,
  );
  const g1 = resolveStage1Growth(data, options, payout, g, trace);
  const stages = twoStageDdm(dps, ke, g1, n1, g);
  const perShareValue = stages.pv_stage1 + stages.pv_terminal_value;
  const details: DdmDetails = {
    dividend_per_share: dps,
    stage1_years: n1,
    stage1_growth_rate: g1,
    ...stages,
  };
  if (data.shares === null) {
    throw notApplicable(
      'ddm',
      'share count unknown, DDM value per share cannot be turned into equity value',
      {},
    );
  }
  return finish('ddm', perShareValue * data.shares, data, ke, g, trace, {
    residual_income: null,
    ddm: details,
  });
}

/**
 * Pure two-stage Gordon model per share.
 * @param dps0 - current dividend per share, yuan; ke - cost of equity; g1 - stage-1 growth for n1 years;
 *   g - perpetual growth after stage 1 (all decimals, g < ke)
 */
export function twoStageDdm(
  dps0: number,
  ke: number,
  g1: number,
  n1: number,
  g: number,
): Pick<DdmDetails, 'pv_stage1' | 'terminal_value' | 'pv_terminal_value'> {
  let d = dps0;
  let df = 1;
  let pv = 0;
  for (let t = 1; t <= n1; t++) {
    d *= 1 + g1;
    df /= 1 + ke;
    pv += d * df;
  }
  const terminalValue = (d * (1 + g)) / (ke - g);
  return { pv_stage1: pv, terminal_value: terminalValue, pv_terminal_value: terminalValue * df };
}

function resolveStage1Growth(
  data: FinancialInputs,
  options: FinancialModelOptions,
  payout: number | null,
  g: number,
  trace: TraceEntry[],
): number {
  if (options.ddm_stage1_growth_rate !== undefined) {
    checkRate('ddm_stage1_growth_rate', options.ddm_stage1_growth_rate, -0.5, 0.5);
    trace.push({ field: 'ddm_stage1_growth_rate', value: options.ddm_stage1_growth_rate, source: 'user' });
    return options.ddm_stage1_growth_rate;
  }
  const roe = options.roe ?? data.roe;
  if (roe !== null && payout !== null) {
    const sustainable = Math.min(Math.max(roe * (1 - payout), 0), FINANCIAL_DEFAULTS.ddm_stage1_growth_cap);
    trace.push({
      field: 'ddm_stage1_growth_rate',
      value: sustainable,
      source: 'derived',
      note: 'ROE·(1 − payout), capped to [0, 0.10]',
    });
    return sustainable;
  }
  trace.push({ field: 'ddm_stage1_growth_rate', value: g, source: 'default', note: 'perpetual growth rate' });
  return g;
}

/** Payout: user value, else TTM DPS / EPS clamped to [0,1]; null when unknown. */
function resolvePayout(
  data: FinancialInputs,
  options: FinancialModelOptions,
  trace: TraceEntry[],
  withDefault: boolean,
): number | null {
  if (options.payout_ratio !== undefined) {
    checkRate('payout_ratio', options.payout_ratio, 0, 1);
    trace.push({ field: 'payout_ratio', value: options.payout_ratio, source: 'user' });
    return options.payout_ratio;
  }
  if (data.dps !== null && data.eps !== null && data.eps > 0) {
    const payout = Math.min(Math.max(data.dps / data.eps, 0), 1);
    trace.push({ field: 'payout_ratio', value: payout, source: 'derived', note: 'TTM DPS / latest EPS' });
    return payout;
  }
  if (withDefault) {
    trace.push({ field: 'payout_ratio', value: FINANCIAL_DEFAULTS.payout_ratio, source: 'default' });
    return FINANCIAL_DEFAULTS.payout_ratio;
  }
  return null;
}

function finish(
  model: FinancialModel,
  equity: number,
  data: FinancialInputs,
  ke: number,
  g: number,
  trace: TraceEntry[],
  details: Pick<FinancialValuationResult, 'residual_income' | 'ddm'>,
): FinancialValuationResult {
  if (!Number.isFinite(equity)) {
    throw new ValuationError(
      'NON_FINITE_RESULT',
      `valueFinancialCompany: ${model} equity value is ${equity}`,
    );
  }
  const warnings: Warning[] = [];
  const vps = data.shares !== null && data.shares > 0 ? equity / data.shares : null;
  if (vps === null) {
    warnings.push(
      makeWarning(
        'MARKET_DATA_MISSING',
        'warning',
        '缺少总股本，无法计算每股价值',
        'Total shares unknown: value per share not computed',
        ['total_shares'],
      ),
    );
  }
  const upside = vps !== null && data.price !== null && data.price > 0 ? vps / data.price - 1 : null;
  const result: FinancialValuationResult = {
    model,
    equity_value: equity,
    value_per_share: vps,
    cost_of_equity_used: ke,
    perpetual_growth_rate_used: g,
    upside,
    ...details,
    warnings,
    assumptions_trace: trace,
  };
  assertFinite(result, 'financial_model');
  return result;
}

function fallbackWarning(reason: string): Warning {
  return makeWarning(
    'FINANCIAL_COMPANY_MODEL',
    'info',
    `剩余收益模型不适用，已改用股利折现模型：${reason}`,
    `Residual income model not applicable, used the dividend discount model: ${reason}`,
    ['financial_model'],
  );
}

function notApplicable(
  model: FinancialModel,
  reason: string,
  details: Record<string, unknown>,
): ValuationError {
  return new ValuationError('MODEL_NOT_APPLICABLE', `${model}: ${reason}`, { model, reason, ...details });
}

// ---------------------------------------------------------------------------------------------------------------
// Input extraction from TuShare rows
// ---------------------------------------------------------------------------------------------------------------

/**
 * Resolves book value, ROE, EPS, TTM DPS and shares from the statements as of the valuation date.
 * Statements announced after the valuation date are ignored (period selection shared with the DCF history).
 */
export function extractFinancialInputs(
  input: CompanyInput,
  options: FinancialModelOptions,
  trace: TraceEntry[],
): FinancialInputs {
  const asOf = parseValuationDate(input.market.valuation_date);
  const shares = positiveOrNull(input.market.total_shares);
  const balanceSel = selectPeriods(input.balance, asOf);
  const balances = sortByEndDate([...balanceSel.annual, ...balanceSel.interim]);
  const annualIncome = selectPeriods(input.income, asOf).annual;
  const annualBalance = balanceSel.annual;
  const indicatorSel = selectPeriods(input.fina_indicator ?? [], asOf);
  const annualIndicators = indicatorSel.annual;
  const latestIndicator = sortByEndDate([...indicatorSel.annual, ...indicatorSel.interim]).at(-1);
  let bookValue = commonBookValue(balances, trace);
  if (bookValue === null) {
    const bps = latestIndicator ? num(latestIndicator, 'bps') : null;
    bookValue = bps !== null && shares !== null ? bps * shares : null;
    trace.push({
      field: 'book_value',
      value: bookValue,
      source: 'derived',
      note: 'fina_indicator bps × total_shares',
    });
  }
  const roe =
    options.roe === undefined ? medianRoe(annualIndicators, annualIncome, annualBalance, trace) : null;
  const latestIncome = annualIncome.at(-1);
  const latestNetIncome = latestIncome
    ? (num(latestIncome, 'n_income_attr_p') ?? num(latestIncome, 'n_income'))
    : null;
  const eps = resolveEps(annualIndicators, annualIncome, latestNetIncome, shares);
  const dps = ttmDividendPerShare(input.dividends ?? [], asOf);
  return { bookValue, shares, roe, latestNetIncome, eps, dps, price: positiveOrNull(input.market.price) };
}

/** Median of the last ≤ 3 annual ROEs: fina_indicator roe (%) / 100, else n_income_attr_p / year-end equity. */
function medianRoe(
  indicators: StatementRow[],
  income: StatementRow[],
  balance: StatementRow[],
  trace: TraceEntry[],
): number | null {
  const fromIndicator = indicators.map((r) => num(r, 'roe')).filter((v): v is number => v !== null);
  let values = fromIndicator.slice(-3).map((v) => v / 100);
  let note = 'median of last ≤3 annual fina_indicator roe';
  if (values.length === 0) {
    const equityByDate = new Map(
      balance.map((r) => [String(r.end_date), num(r, 'total_hldr_eqy_exc_min_int')]),
    );
    const ratios: number[] = [];
    for (const row of income) {
      const ni = num(row, 'n_income_attr_p');
      const eq = equityByDate.get(String(row.end_date));
      if (ni !== null && eq !== undefined && eq !== null && eq > 0) {
        ratios.push(ni / eq);
      }
    }
    values = ratios.slice(-3);
    note = 'median of last ≤3 annual n_income_attr_p / total_hldr_eqy_exc_min_int';
  }
  const roe = median(values);
  trace.push({ field: 'roe', value: roe, source: 'history_median', note });
  return roe;
}

function resolveEps(
  indicators: StatementRow[],
  income: StatementRow[],
  netIncome: number | null,
  shares: number | null,
): number | null {
  const latestIncome = income.at(-1);
  const fromIncome = latestIncome
    ? (num(latestIncome, 'diluted_eps') ?? num(latestIncome, 'basic_eps'))
    : null;
  if (fromIncome !== null) {
    return fromIncome;
  }
  const latestIndicator = indicators.at(-1);
  const fromIndicator = latestIndicator
    ? (num(latestIndicator, 'dt_eps') ?? num(latestIndicator, 'eps'))
    : null;
  if (fromIndicator !== null) {
    return fromIndicator;
  }
  return netIncome !== null && shares !== null ? netIncome / shares : null;
}

/**
 * TTM dividend per share (yuan): Σ cash_div_tax (else cash_div) over rows announced in (asOf − 1 year, asOf],
 * one row per end_date, preferring 实施 (implemented) over 预案 (proposal) so a proposal and its implementation
 * are not double counted (reference-system.md §17.9).
 */
export function ttmDividendPerShare(rows: StatementRow[], asOf: string): number | null {
  const start = `${Number(asOf.slice(0, 4)) - 1}${asOf.slice(4)}`;
  const byPeriod = new Map<string, { dps: number; rank: number }>();
  for (const row of rows) {
    const ann = typeof row.ann_date === 'string' ? row.ann_date : null;
    const dps = num(row, 'cash_div_tax') ?? num(row, 'cash_div');
    if (ann === null || ann <= start || ann > asOf || dps === null) {
      continue;
    }
    const rank = row.div_proc === '实施' ? 2 : row.div_proc === '预案' ? 0 : 1;
    const key = String(row.end_date ?? ann);
    const prev = byPeriod.get(key);
    if (prev === undefined || rank > prev.rank) {
      byPeriod.set(key, { dps, rank });
    }
  }
  if (byPeriod.size === 0) {
    return null;
  }
  let total = 0;
  for (const { dps } of byPeriod.values()) {
    total += dps;
  }
  return total;
}

function sortByEndDate(rows: StatementRow[]): StatementRow[] {
  return [...rows].sort((a, b) => String(a.end_date).localeCompare(String(b.end_date)));
}

/**
 * Common shareholders' book value of the latest balance sheet that reports equity: total_hldr_eqy_exc_min_int minus
 * other equity instruments (oth_eqt_tools: perpetual bonds and preferred shares, else oth_eqt_tools_p_shr), which are
 * claims of other capital providers — large for banks (e.g. perpetual bonds), so leaving them in overstates BV and ROE
 * spreads.
 */
function commonBookValue(balances: StatementRow[], trace: TraceEntry[]): number | null {
  for (let i = balances.length - 1; i >= 0; i--) {
    const row = balances[i] as StatementRow;
    const equity = num(row, 'total_hldr_eqy_exc_min_int');
    if (equity === null) {
      continue;
    }
    const other = num(row, 'oth_eqt_tools') ?? num(row, 'oth_eqt_tools_p_shr') ?? 0;
    trace.push({
      field: 'book_value',
      value: equity - other,
      source: 'derived',
      note: `total_hldr_eqy_exc_min_int − oth_eqt_tools (${String(row.end_date)})`,
    });
    return equity - other;
  }
  return null;
}

function median(values: number[]): number | null {
  if (values.length === 0) {
    return null;
  }
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function positiveOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

function pick(value: number | undefined, fallback: number, field: string, trace: TraceEntry[]): number {
  if (value !== undefined) {
    checkRate(field, value, -1, 5);
    trace.push({ field, value, source: 'user' });
    return value;
  }
  trace.push({ field, value: fallback, source: 'default' });
  return fallback;
}

function intOption(
  field: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  trace: TraceEntry[],
): number {
  if (value === undefined) {
    trace.push({ field, value: fallback, source: 'default' });
    return fallback;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValuationError(
      'INVALID_OPTION',
      `valueFinancialCompany: ${field} must be an integer in [${min}, ${max}]`,
      {
        [field]: value,
      },
    );
  }
  trace.push({ field, value, source: 'user' });
  return value;
}

function checkRate(field: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ValuationError(
      'INVALID_OPTION',
      `valueFinancialCompany: ${field} = ${value} is outside [${min}, ${max}]`,
      {
        [field]: value,
      },
    );
  }
}
