/**
 * @module services/valuation/types
 * The normalized valuation request the HTTP schema produces and the CLI builds: aliases resolved, options in the
 * engine's snake_case names, sections requested.
 */
import type { StatementRow } from '@/data/types';
import type {
  MonteCarloSpec,
  ReverseDcfSpec,
  ScenarioSpec,
  SensitivitySpec,
  TornadoRange,
  ValuationOptions,
} from '@/valuation';

export interface InlineSubject {
  financials: {
    income: StatementRow[];
    balance: StatementRow[];
    cashflow: StatementRow[];
    fina_indicator?: StatementRow[];
    dividends?: StatementRow[];
  };
  market: {
    /** Yuan per share. */
    price: number | null;
    /** Shares (not 万股). */
    total_shares: number | null;
    comp_type?: '1' | '2' | '3' | '4';
    name?: string;
    /** `YYYY-MM-DD`. */
    price_as_of?: string;
    shares_as_of?: string;
  };
}

export interface ValuationRequest {
  /** Normalized ts_code (600519.SH). */
  ts_code?: string;
  /** `YYYY-MM-DD`. */
  valuation_date?: string;
  inline?: InlineSubject;
  options: ValuationOptions;
  sensitivity?: SensitivitySpec;
  /** true = default scenarios. */
  scenarios?: true | ScenarioSpec[];
  /** true = both implied revenue CAGR and implied WACC. */
  reverse_dcf?: true | ReverseDcfSpec;
  /** true = defaults; `seed` defaults to 1. */
  monte_carlo?: true | (MonteCarloSpec & { seed?: number });
  /** true = default ranges. */
  tornado?: true | TornadoRange[];
  /** Legacy fields accepted and ignored. */
  ignored_fields: string[];
}
