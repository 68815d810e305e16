/**
 * @module valuation
 * Pure valuation engine (no I/O, no framework imports; runs on Workers, Node and in the browser).
 *
 * Entry points (amounts in yuan, rates as decimals):
 * - `analyzeHistory(input: CompanyInput, options?: ValuationOptions): HistoryAnalysis` — once per company.
 * - `buildForecast(history: HistoryAnalysis, options?: ValuationOptions): Forecast` — growth/margins/NWC/tax.
 * - `discountForecast(forecast: Forecast, history: HistoryAnalysis, market: MarketInput, options?: ValuationOptions): DcfResult`
 *   — WACC, terminal value, PV, equity bridge; cheap, so WACC/TV-only changes skip the forecast.
 * - `valueCompany(input: CompanyInput, options?: ValuationOptions): ValuationResult` — routes the model, full result.
 *
 * Extensions (sensitivity, reverse DCF, scenarios, Monte Carlo, tornado, financial models, root finder, random)
 * are re-exported with `export *` so the HTTP layer imports one entry point.
 */
export { analyzeHistory } from './analyze-history';
export { assertFinite } from './assert-finite';
export * from './dcf-kernel';
export { DEFAULTS, MAX_FORECAST_YEARS } from './defaults';
export { discountForecast } from './discount';
export { discountSchedule, stubFraction } from './discount-factors';
export { equityBridge, interestBearingDebt } from './equity-bridge';
export { isValuationError, VALUATION_ERROR_CODES, ValuationError, type ValuationErrorCode } from './errors';
export * from './financial-models';
export { buildForecast } from './forecast';
export * from './monte-carlo';
export { presentValues } from './present-value';
export * from './random';
export { DRIVER_KEYS, type DriverKey } from './resolve-drivers';
export * from './reverse-dcf';
export * from './root-finder';
export * from './scenarios';
export * from './sensitivity';
export { exitMultipleTerminalValue, perpetualTerminalValue, terminalValue } from './terminal-value';
export * from './tornado';
export type * from './types';
export { validateOptions } from './validate-options';
export { priceMetrics, valueCompany } from './value-company';
export { computeWacc, costOfEquity } from './wacc';
export { makeWarning, WARNING_CODES, type WarningCode } from './warnings';
