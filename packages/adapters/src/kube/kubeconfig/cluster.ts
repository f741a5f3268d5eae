/** The `cluster` half of a context: the API server's address and how to trust it. */
import { type EntryReader, fieldError, has, optionalBoolean, optionalString, pemField } from "./fields.ts";
import type { KubeTls } from "./KubeTarget.ts";

/** A cluster entry, checked. */
export interface ClusterInfo {
  server: string;
  tls: KubeTls;
}

/** Reads and checks a cluster entry: `server`, CA (inline or file), `insecure-skip-tls-verify`, `tls-server-name`. */
export function readCluster(r: EntryReader): ClusterInfo {
  if (has(r, "proxy-url"))
    throw fieldError(r, "proxy-url", "is not supported; reach the API server directly (or through a tunnel)");
  const server = optionalString(r, "server");
  if (server === undefined) throw fieldError(r, "server", "is required");
  checkServer(server, (rule) => fieldError(r, "server", rule));
  const tls: KubeTls = {};
  const ca = pemField(r, "certificate-authority");
  if (ca !== undefined) tls.ca = ca;
  const servername = optionalString(r, "tls-server-name");
  if (servername !== undefined) tls.servername = servername;
  if (optionalBoolean(r, "insecure-skip-tls-verify") === true) tls.insecure = true;
  return { server, tls };
}

/** Checks that a server address is an absolute http(s) URL without query or credentials. */
export function checkServer(server: string, fail: (rule: string) => Error): void {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw fail("must be an absolute URL such as https://host:6443");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw fail("must be an https:// (or http://) URL");
  if (url.username || url.password) throw fail("must not carry credentials; put them in the user entry");
  if (url.search || url.hash) throw fail("must not have a query or fragment");
}
