import { describe, expect, it } from "vitest";
import { dashboardCaSource, dashboardServerNames, type EmqxObject } from "../../src/index.ts";

const HTTPS_ONLY = `dashboard.listeners.http.bind = 0
dashboard.listeners.https {
  bind = 18084
  ssl_options { certfile = "/mounted/dashboard/tls.crt", keyfile = "/mounted/dashboard/tls.key" }
}`;

function cr(over: { annotations?: Record<string, string>; data?: string; spec?: object } = {}): EmqxObject {
  return {
    metadata: {
      name: "emqx",
      namespace: "prod",
      ...(over.annotations ? { annotations: over.annotations } : {}),
    },
    spec: {
      config: { data: over.data ?? HTTPS_ONLY },
      coreTemplate: {
        spec: {
          extraVolumes: [
            { name: "conf", configMap: { name: "extra" } },
            { name: "dashboard-cert", secret: { secretName: "emqx-dashboard-tls" } },
          ],
          extraVolumeMounts: [
            { name: "conf", mountPath: "/mounted" },
            { name: "dashboard-cert", mountPath: "/mounted/dashboard/" },
          ],
        },
      },
      ...over.spec,
    },
  };
}

describe("dashboardCaSource", () => {
  it("defaults to ca.crt of the Secret the certificate file is mounted from (the deepest mount)", () => {
    expect(dashboardCaSource(cr())).toEqual({
      secretName: "emqx-dashboard-tls",
      key: "ca.crt",
      origin: "certificate-mount",
    });
  });

  it("prefers the annotation, with or without a key", () => {
    const named = (value: string) =>
      dashboardCaSource(cr({ annotations: { "apps.emqx.io/dashboard-ca-secret": value } }));
    expect(named("corp-ca")).toEqual({ secretName: "corp-ca", key: "ca.crt", origin: "annotation" });
    expect(named("corp-ca/bundle.pem")).toEqual({
      secretName: "corp-ca",
      key: "bundle.pem",
      origin: "annotation",
    });
    expect(named("Corp CA")).toEqual({
      invalid: expect.stringContaining('"Corp CA", which is not a Secret name or name/key'),
    });
    expect(named("a/b/c")).toHaveProperty("invalid");
  });

  it("follows the certfile environment override, and finds nothing without a Secret mount", () => {
    const env = [
      { name: "EMQX_DASHBOARD__LISTENERS__HTTPS__SSL_OPTIONS__CERTFILE", value: "/elsewhere/c.pem" },
    ];
    const spec = (extra: object) => ({ coreTemplate: { spec: extra } });
    expect(dashboardCaSource(cr({ spec: spec({ env }) }))).toBeUndefined();
    const mounted = spec({
      env,
      extraVolumes: [{ name: "e", secret: { secretName: "elsewhere" } }],
      extraVolumeMounts: [{ name: "e", mountPath: "/elsewhere" }],
    });
    expect(dashboardCaSource(cr({ spec: mounted }))).toMatchObject({
      secretName: "elsewhere",
      key: "ca.crt",
    });
    expect(dashboardCaSource(cr({ data: "dashboard.listeners.https.bind = 18084" }))).toBeUndefined();
    expect(dashboardCaSource(cr({ data: "dashboard {" }))).toBeUndefined();
  });
});

describe("dashboardServerNames", () => {
  it("names the dashboard Service in every DNS form, with the CR's cluster domain", () => {
    expect(dashboardServerNames(cr({ spec: { clusterDomain: "corp.internal" } }))).toEqual([
      "emqx-dashboard",
      "emqx-dashboard.prod",
      "emqx-dashboard.prod.svc",
      "emqx-dashboard.prod.svc.corp.internal",
    ]);
    expect(dashboardServerNames(cr()).at(-1)).toBe("emqx-dashboard.prod.svc.cluster.local");
  });
});
