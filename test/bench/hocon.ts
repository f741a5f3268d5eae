/**
 * HOCON reader benchmark: milliseconds per parse of `config.data`-like texts of growing size.
 * Run with `node test/bench/hocon.ts`. Prints numbers; asserts nothing.
 */
import { listenerServicePorts, parseHocon } from "../../packages/core/src/hocon/index.ts";

/** One realistic block of EMQX config (~0.5 KB): listeners, dashboard, node, a gateway, a license. */
function block(i: number): string {
  return `
listeners.tcp.l${i} { bind = "0.0.0.0:${10000 + i}", max_connections = 1024000, enable = true }
listeners.ssl.l${i} {
  bind = "0.0.0.0:${20000 + i}"
  ssl_options { certfile = "etc/certs/cert.pem", keyfile = "etc/certs/key.pem", verify = verify_none }
}
zones.z${i} { mqtt { max_packet_size = 1MB, session_expiry_interval = 2h, retry_interval = 30s } }
gateway.coap${i}.listeners.udp.default.bind = "${30000 + i}"  # a comment
authorization.sources = [{ type = file, enable = true, path = "etc/acl.conf" }]
`;
}

function configOf(targetBytes: number): string {
  let text =
    'node { name = "emqx@127.0.0.1", cookie = "emqxsecretcookie" }\nlicense { key = "evaluation" }\n';
  for (let i = 0; text.length < targetBytes; i++) text += block(i);
  return text;
}

function measure(label: string, text: string, run: (t: string) => unknown): void {
  const warm = Math.max(5, Math.min(2_000, Math.floor(2_000_000 / text.length)));
  for (let i = 0; i < warm; i++) run(text);
  const rounds = Math.max(10, Math.min(2_000, Math.floor(2_000_000 / text.length)));
  const start = performance.now();
  for (let i = 0; i < rounds; i++) run(text);
  const ms = (performance.now() - start) / rounds;
  const kib = (text.length / 1024).toFixed(1).padStart(7);
  console.log(`${label.padEnd(22)} ${kib} KiB  ${ms.toFixed(3).padStart(9)} ms/parse  (${rounds} rounds)`);
}

console.log("HOCON reader (packages/core/src/hocon)");
for (const size of [2 * 1024, 16 * 1024, 128 * 1024, 512 * 1024]) {
  const text = configOf(size);
  measure("parseHocon", text, parseHocon);
  measure("  + listener ports", text, listenerServicePorts);
}
