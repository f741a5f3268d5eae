/**
 * The real clock and randomness of the workflows (`Clock`, `Random` ports), built once at the edge.
 */
import { randomInt } from "node:crypto";
import type { Clock, Random } from "../ports.ts";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
/** Length and digit count of the operator's generated API key password and node cookie. */
export const PASSWORD_LENGTH = 64;
export const PASSWORD_DIGITS = 10;

/**
 * A password like sethvargo/go-password's `Generate(64, 10, 0, true, true)`: lower-case letters and exactly
 * `digits` digits at random positions, repeats allowed, from a cryptographic source.
 *
 * @example generatePassword() // "k3v0q...": 64 chars, 10 of them digits
 */
export function generatePassword(length = PASSWORD_LENGTH, digits = PASSWORD_DIGITS): string {
  if (!Number.isInteger(length) || !Number.isInteger(digits) || digits < 0 || digits > length) {
    throw new RangeError(
      `generatePassword: digits (${digits}) must be an integer within 0..length (${length})`,
    );
  }
  const chars: string[] = [];
  for (let i = 0; i < length - digits; i++) chars.push(LETTERS[randomInt(LETTERS.length)] as string);
  for (let i = 0; i < digits; i++) chars.push(DIGITS[randomInt(DIGITS.length)] as string);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join("");
}

/** `Random` from node:crypto: the API key password and the node cookie use the operator's generator. */
export const cryptoRandom: Random = { password: () => generatePassword(), cookie: () => generatePassword() };

/** `Clock` of the machine. */
export const systemClock: Clock = { now: () => new Date() };
