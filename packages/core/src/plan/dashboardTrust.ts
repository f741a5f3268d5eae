/**
 * What the reconciler trusts when a CR's EMQX API is https-only: which Secret holds the CA bundle, and which host
 * names the dashboard certificate may carry.
 *
 * The CA comes from the CR's `apps.emqx.io/dashboard-ca-secret: <secret>[/<key>]` annotation, else from `ca.crt`
 * of the Secret the dashboard certificate is mounted from (`dashboard.listeners.https.ssl_options.certfile`, or its
 * `EMQX_DASHBOARD__LISTENERS__HTTPS__SSL_OPTIONS__CERTFILE` override, under one of the core template's
 * `extraVolumeMounts` whose volume is a Secret): what cert-manager and most user PKIs put next to the certificate.
 *
 * Host names: the API is called at pod IPs, which a user's certificate rarely names (pods come and go), so the
 * certificate is accepted when it names the address called **or** the cluster's dashboard Service (`<name>-dashboard`,
 * `.<ns>`, `.<ns>.svc`, `.<ns>.svc.<clusterDomain>`), the names a certificate for this dashboard carries. The
 * chain is always verified against the trusted CA; verification is never turned off.
 */
import {
  ANNOTATION_DASHBOARD_CA_SECRET,
  childNames,
  DASHBOARD_CA_DEFAULT_KEY,
  DEFAULT_CLUSTER_DOMAIN,
} from "@emqx-reconciler/api";
import { HoconError } from "../hocon/errors.ts";
import { toConf } from "../hocon/parse.ts";
import { asString, getPath } from "../hocon/values.ts";
import type { EmqxObject } from "./types.ts";

/** Where the CA bundle of a CR's https dashboard is read from. */
export type DashboardCaSource =
  | {
      secretName: string;
      key: string;
      /** `annotation`: the user named it (a missing Secret or key is an error); `certificate-mount`: our default. */
      origin: "annotation" | "certificate-mount";
    }
  /** The annotation is not `<secret>[/<key>]`. */
  | { invalid: string };

const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const CERTFILE_ENV = "EMQX_DASHBOARD__LISTENERS__HTTPS__SSL_OPTIONS__CERTFILE";

interface Mount {
  name?: unknown;
  mountPath?: unknown;
  subPath?: unknown;
}
interface Volume {
  name?: unknown;
  secret?: { secretName?: unknown };
}
/** The fields read here, as a CR not yet validated may carry them. */
interface CrShape {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: {
    clusterDomain?: unknown;
    config?: { data?: unknown };
    coreTemplate?: {
      spec?: {
        env?: Array<{ name?: unknown; value?: unknown }>;
        extraVolumes?: Volume[];
        extraVolumeMounts?: Mount[];
      };
    };
  };
}

function unquote(text: string): string {
  return text.trim().replace(/^"+|"+$/g, "");
}

function certfileOf(cr: CrShape): string | undefined {
  const env = cr.spec?.coreTemplate?.spec?.env?.find((e) => e.name === CERTFILE_ENV);
  if (typeof env?.value === "string" && env.value !== "") return unquote(env.value);
  const data = cr.spec?.config?.data;
  if (typeof data !== "string" || data === "") return undefined;
  try {
    const path = ["dashboard", "listeners", "https", "ssl_options", "certfile"];
    const file = asString(getPath(toConf(data), path));
    return file ? unquote(file) : undefined;
  } catch (error) {
    if (error instanceof HoconError) return undefined;
    throw error;
  }
}

/** The Secret volume `file` is mounted from (the deepest extra mount that holds it), if any. */
function secretMountedAt(cr: CrShape, file: string): string | undefined {
  const spec = cr.spec?.coreTemplate?.spec;
  const mounts = (spec?.extraVolumeMounts ?? [])
    .filter((m) => typeof m.mountPath === "string" && typeof m.name === "string")
    .map((m) => ({ name: m.name as string, dir: (m.mountPath as string).replace(/\/+$/, "") }))
    .filter((m) => file.startsWith(`${m.dir}/`) || file === m.dir)
    .sort((a, b) => b.dir.length - a.dir.length);
  const mount = mounts[0];
  const secretName = mount && spec?.extraVolumes?.find((v) => v.name === mount.name)?.secret?.secretName;
  return typeof secretName === "string" && secretName !== "" ? secretName : undefined;
}

/**
 * The CA bundle's Secret for `cr`: the annotation's, else `ca.crt` of the Secret mounting the dashboard
 * certificate; undefined when neither applies (the platform's default roots are then the only ones trusted).
 *
 * @example dashboardCaSource(cr) // { secretName: "emqx-dashboard-tls", key: "ca.crt", origin: "certificate-mount" }
 */
export function dashboardCaSource(emqx: EmqxObject): DashboardCaSource | undefined {
  const cr = emqx as CrShape;
  const annotation = cr.metadata?.annotations?.[ANNOTATION_DASHBOARD_CA_SECRET];
  if (annotation !== undefined) {
    const [secretName = "", key = DASHBOARD_CA_DEFAULT_KEY, ...rest] = annotation.trim().split("/");
    if (rest.length > 0 || !SECRET_NAME.test(secretName) || !SECRET_KEY.test(key)) {
      return {
        invalid: `annotation ${ANNOTATION_DASHBOARD_CA_SECRET} holds "${annotation.slice(0, 100)}", which is not a Secret name or name/key`,
      };
    }
    return { secretName, key, origin: "annotation" };
  }
  const certfile = certfileOf(cr);
  const secretName = certfile ? secretMountedAt(cr, certfile) : undefined;
  return secretName ? { secretName, key: DASHBOARD_CA_DEFAULT_KEY, origin: "certificate-mount" } : undefined;
}

/** The dashboard Service's DNS names, any of which the dashboard certificate may carry instead of the pod IP. */
export function dashboardServerNames(emqx: EmqxObject): string[] {
  const cr = emqx as CrShape;
  const service = childNames(cr.metadata?.name ?? "").dashboard;
  const ns = cr.metadata?.namespace ?? "default";
  const domain =
    typeof cr.spec?.clusterDomain === "string" && cr.spec.clusterDomain !== ""
      ? cr.spec.clusterDomain
      : DEFAULT_CLUSTER_DOMAIN;
  return [service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.${domain}`];
}
