/**
 * What an EMQX image tag tells the emulator: the release version and the behaviour that varies with it
 * (edition, OTP string, field sets), as released EMQX builds answer.
 */

/** A parsed `major.minor.patch` release number. */
export interface Release {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Everything version-dependent the emulator needs for one node. */
export interface VersionInfo {
  /** Release string as `/nodes` reports it, without prefix (e.g. `6.0.1`). */
  readonly version: string;
  readonly release: Release;
  readonly edition: "Opensource" | "Enterprise";
  readonly otpRelease: string;
}

/** Version assumed when an image has no numeric tag (e.g. `emqx:latest` or a digest). */
export const DEFAULT_VERSION = "6.0.1";

/**
 * Reads the version from an image reference. A registry port (`host:5000/emqx/emqx:5.8.9`) is not a tag; a
 * suffix (`5.8.9-alpine`) is dropped; anything without a numeric tag falls back to {@link DEFAULT_VERSION}.
 */
export function computeVersionInfo(image: string): VersionInfo {
  const withoutDigest = image.split("@")[0] ?? image;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf("/") + 1);
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(tag);
  const version = match ? `${match[1]}.${match[2]}.${match[3]}` : DEFAULT_VERSION;
  const release = parseRelease(version);
  const enterpriseImage = /emqx-enterprise/.test(withoutDigest);
  const edition = enterpriseImage || isAtLeast(release, 5, 9) ? "Enterprise" : "Opensource";
  return { version, release, edition, otpRelease: computeOtpRelease(release) };
}

function parseRelease(version: string): Release {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map(Number);
  return { major, minor, patch };
}

/** True when `release` is at least `major.minor.patch`. */
export function isAtLeast(release: Release, major: number, minor: number, patch = 0): boolean {
  if (release.major !== major) return release.major > major;
  if (release.minor !== minor) return release.minor > minor;
  return release.patch >= patch;
}

/**
 * `<OTP>/<erts>` per release family. Only the 6.0 value is taken from the fixtures; the others are
 * illustrative values of the right form (see EMULATOR.md).
 */
function computeOtpRelease(release: Release): string {
  if (isAtLeast(release, 6, 1, 4)) return "28.4.1-4/16.2";
  if (isAtLeast(release, 6, 0)) return "27.3.4.2-4/15.2.7.1";
  if (isAtLeast(release, 5, 9)) return "27.2-3/15.2";
  return "26.2.5.2-1/14.2.5.4";
}

/** `rel_vsn` of `/status?format=json`: the edition prefix (`e`/`v`) plus the version. */
export function computeRelVsn(info: VersionInfo): string {
  return `${info.edition === "Enterprise" ? "e" : "v"}${info.version}`;
}

/** `rel_vsn` was dropped from `/status?format=json` in 5.10.4, 6.0.3, 6.1.2 and 6.2.x. */
export function hasRelVsn(r: Release): boolean {
  if (r.major < 5) return true;
  if (r.major === 5) return r.minor < 10 || r.patch < 4;
  if (r.major === 6 && r.minor === 0) return r.patch < 3;
  if (r.major === 6 && r.minor === 1) return r.patch < 2;
  return false;
}

/** `cluster_sessions` appears in `/nodes` and `/stats` from 5.6 on. */
export function hasClusterSessions(r: Release): boolean {
  return isAtLeast(r, 5, 6);
}

/** The rebalance/evacuation API exists in Enterprise builds and in every single-edition build. */
export function hasRebalanceApi(info: VersionInfo): boolean {
  return info.edition === "Enterprise" && isAtLeast(info.release, 5, 1);
}

/** 6.0 added `cluster.description` and namespaced roles. */
export function isSixOrLater(r: Release): boolean {
  return r.major >= 6;
}
