/**
 * Kubernetes resource quantities as exact rationals, so `"1Gi"` equals `"1024Mi"` and `"250m"` equals `"0.25"`.
 *
 * The apiserver re-serialises quantities in its canonical form (and rounds resource lists up to milli units), so a
 * live object rarely spells a quantity the way the desired object did; comparing the numbers avoids false diffs.
 */

/** An exact non-normalised fraction `num / den` with `den > 0`. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const BINARY: Record<string, bigint> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function reduce(num: bigint, den: bigint): Rational {
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/**
 * Parses a quantity (`"1.5Gi"`, `"250m"`, `"1e3"`, or a JSON number) into an exact fraction; `undefined` when the
 * text is not a quantity.
 */
export function parseQuantity(value: string | number): Rational | undefined {
  const match = QUANTITY.exec(String(value).trim());
  if (!match) return undefined;
  const [, sign = "", digits = "", suffix = ""] = match;
  const [whole = "", fraction = ""] = digits.split(".");
  let num = BigInt(`${whole || "0"}${fraction}`) * (sign === "-" ? -1n : 1n);
  let exp10 = -fraction.length;
  const binary = BINARY[suffix];
  if (binary !== undefined) num *= 1n << (10n * binary);
  else if (suffix in DECIMAL) exp10 += DECIMAL[suffix] ?? 0;
  else if (suffix) exp10 += Number(suffix.slice(1));
  return exp10 >= 0 ? reduce(num * 10n ** BigInt(exp10), 1n) : reduce(num, 10n ** BigInt(-exp10));
}

/** Rounds up to a whole number of milli units, as the apiserver does to every resource list entry. */
export function roundUpToMilli(q: Rational): Rational {
  const scaled = q.num * 1000n;
  const whole = scaled / q.den;
  const up = scaled % q.den === 0n || scaled < 0n ? whole : whole + 1n;
  return reduce(up, 1000n);
}

/**
 * A canonical text for a quantity (`"num/den"` reduced), equal for equal amounts; values that do not parse are
 * returned unchanged so they still compare by text.
 */
export function canonicalQuantity(value: string | number, milli = false): string | number {
  const parsed = parseQuantity(value);
  if (!parsed) return value;
  const q = milli ? roundUpToMilli(parsed) : parsed;
  return `${q.num}/${q.den}`;
}

/** True when both quantities denote the same amount. */
export function quantitiesEqual(a: string | number, b: string | number): boolean {
  return canonicalQuantity(a) === canonicalQuantity(b);
}
