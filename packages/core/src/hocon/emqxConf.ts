/**
 * The four default listeners the operator puts in front of `spec.config.data` in the `<name>-configs` ConfigMap,
 * verbatim, including the two spaces in the `ws` line. HOCON lets later keys win, so the user's
 * own listener settings override these.
 */
export const DEFAULT_LISTENERS_HEADER = [
  "listeners.tcp.default.bind = 1883",
  "listeners.ssl.default.bind = 8883",
  "listeners.ws.default.bind  = 8083",
  "listeners.wss.default.bind = 8084",
].join("\n");

/**
 * The ConfigMap's `emqx.conf`: header, newline, `spec.config.data`, byte-exact with the operator's
 * `mergeDefaultConfig`. It is mounted over the image's whole `emqx.conf`.
 */
export function mergedConfig(data: string): string {
  return `${DEFAULT_LISTENERS_HEADER}\n${data}`;
}
