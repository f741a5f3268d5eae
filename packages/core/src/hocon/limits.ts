import { HoconError, type Position } from "./errors.ts";

/** Bounds on the work one parse may do, so hostile input fails fast with a clear error. */
export interface HoconLimits {
  /**
   * Longest accepted text, in characters. The api's validation caps `config.data` just under 1 MiB; the live config that
   * `GET /api/v5/configs` returns is larger, so the reader's own cap leaves room for it.
   * @default 2097152 (2 MiB)
   */
  readonly maxChars: number;
  /** Deepest object/array nesting, counting each segment of a dotted key. @default 64 */
  readonly maxDepth: number;
  /**
   * Deepest recursion while resolving: object nesting plus chains of substitutions, lookups and overriding
   * assignments resolving through one another. @default 500
   */
  readonly maxResolveDepth: number;
  /**
   * Work units (fields merged or copied, array items and string characters produced by substitutions) one
   * resolution may spend. Stops exponential "billion laughs" expansion and quadratic self-reference chains.
   * @default 2000000
   */
  readonly maxWork: number;
}

/** The default {@link HoconLimits}. */
export const DEFAULT_HOCON_LIMITS: HoconLimits = {
  maxChars: 2 * 1024 * 1024,
  maxDepth: 64,
  maxResolveDepth: 500,
  maxWork: 2_000_000,
};

/** Counts work units against {@link HoconLimits.maxWork}. */
export class WorkBudget {
  private spent = 0;
  private readonly max: number;
  private readonly source: string;

  constructor(max: number, source: string) {
    this.max = max;
    this.source = source;
  }

  /** Spends `units`; throws at `at` once the budget is gone. */
  spend(units: number, at: Position): void {
    this.spent += units;
    if (this.spent > this.max) {
      throw new HoconError(
        this.source,
        at.line,
        at.column,
        `the configuration expands beyond the work limit (${this.max} units); simplify its substitutions`,
      );
    }
  }
}
