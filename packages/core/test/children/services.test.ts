import { describe, expect, it } from "vitest";
import {
  buildDashboardService,
  buildHeadlessService,
  buildListenersService,
} from "../../src/children/services.ts";
import { makeEmqx } from "./fixtures.ts";

const CORE_SELECTOR = {
  "apps.emqx.io/instance": "emqx",
  "apps.emqx.io/managed-by": "emqx-operator",
  "apps.emqx.io/db-role": "core",
};

describe("buildHeadlessService", () => {
  it("is the operator's headless Service for core discovery", () => {
    const service = buildHeadlessService(makeEmqx({}, { labels: { team: "iot" } }));
    expect(service.metadata?.name).toBe("emqx-headless");
    expect(service.metadata?.labels).toEqual({
      "apps.emqx.io/instance": "emqx",
      "apps.emqx.io/managed-by": "emqx-operator",
      team: "iot",
    });
    expect(service.spec).toEqual({
      type: "ClusterIP",
      clusterIP: "None",
      sessionAffinity: "None",
      publishNotReadyAddresses: true,
      selector: CORE_SELECTOR,
      ports: [
        { name: "erlang-dist", port: 4370, protocol: "TCP", targetPort: 4370 },
        { name: "gen-rpc", port: 5369, protocol: "TCP", targetPort: 5369 },
      ],
    });
  });
});

describe("buildDashboardService", () => {
  it("exposes 18083 by default, selecting core pods", () => {
    const service = buildDashboardService(makeEmqx());
    expect(service?.metadata?.name).toBe("emqx-dashboard");
    expect(service?.spec).toEqual({
      selector: CORE_SELECTOR,
      ports: [{ name: "dashboard", protocol: "TCP", port: 18083, targetPort: 18083 }],
    });
  });

  it("copies the template spec, labels and annotations, but not the CR's labels", () => {
    const emqx = makeEmqx(
      {
        dashboardServiceTemplate: {
          metadata: {
            labels: { expose: "lb", "apps.emqx.io/instance": "nope" },
            annotations: { "lb/kind": "nlb" },
          },
          spec: {
            type: "LoadBalancer",
            selector: { wrong: "selector" },
            loadBalancerSourceRanges: ["10.0.0.0/8"],
          },
        },
      },
      { labels: { team: "iot" } },
    );
    const service = buildDashboardService(emqx);
    expect(service?.metadata?.labels).toEqual({
      "apps.emqx.io/instance": "emqx",
      "apps.emqx.io/managed-by": "emqx-operator",
      expose: "lb",
    });
    expect(service?.metadata?.annotations).toEqual({ "lb/kind": "nlb" });
    expect(service?.spec?.type).toBe("LoadBalancer");
    expect(service?.spec?.loadBalancerSourceRanges).toEqual(["10.0.0.0/8"]);
    expect(service?.spec?.selector).toEqual(CORE_SELECTOR);
  });

  it("follows the dashboard binds: https added, http removed by port 0, none at all gives no Service", () => {
    const both = makeEmqx({ config: { data: 'dashboard.listeners.https.bind = "0.0.0.0:18084"' } });
    expect(buildDashboardService(both)?.spec?.ports?.map((p) => [p.name, p.port])).toEqual([
      ["dashboard", 18083],
      ["dashboard-https", 18084],
    ]);
    const httpsOnly = makeEmqx({
      config: { data: "dashboard.listeners.http.bind = 0\ndashboard.listeners.https.bind = 18084" },
    });
    expect(buildDashboardService(httpsOnly)?.spec?.ports?.map((p) => p.name)).toEqual(["dashboard-https"]);
    const none = makeEmqx({ config: { data: "dashboard.listeners.http.bind = 0" } });
    expect(buildDashboardService(none)).toBeUndefined();
  });

  it("is not generated when the config derives no dashboard port, even if the template has ports of its own", () => {
    const emqx = makeEmqx({
      config: { data: "dashboard.listeners.http.bind = 0" },
      dashboardServiceTemplate: { spec: { ports: [{ name: "web", port: 80, targetPort: 8080 }] } },
    });
    expect(buildDashboardService(emqx)).toBeUndefined();
  });

  it("is not generated when the template is disabled", () => {
    expect(buildDashboardService(makeEmqx({ dashboardServiceTemplate: { enabled: false } }))).toBeUndefined();
  });

  it("derives its ports from the live cluster config when given", () => {
    const service = buildDashboardService(makeEmqx(), {
      liveConfig: 'dashboard { listeners.http.bind = "[::]:28083" }',
    });
    expect(service?.spec?.ports).toEqual([
      { name: "dashboard", protocol: "TCP", port: 28083, targetPort: 28083 },
    ]);
  });
});

describe("buildListenersService", () => {
  it("exposes the four default listeners of emqx.conf when nothing else is known", () => {
    const service = buildListenersService(makeEmqx());
    expect(service?.metadata?.name).toBe("emqx-listeners");
    expect(service?.spec?.ports?.map((p) => `${p.name}:${p.port}/${p.protocol}`)).toEqual([
      "ssl-default:8883/TCP",
      "tcp-default:1883/TCP",
      "ws-default:8083/TCP",
      "wss-default:8084/TCP",
    ]);
    expect(service?.spec?.selector).toEqual(CORE_SELECTOR);
  });

  it("selects replicant pods when asked to", () => {
    const service = buildListenersService(makeEmqx(), { useReplicantSelector: true });
    expect(service?.spec?.selector?.["apps.emqx.io/db-role"]).toBe("replicant");
  });

  it("puts template ports first (targetPort defaulted), then derived ports not already present", () => {
    const emqx = makeEmqx({
      listenersServiceTemplate: {
        metadata: { labels: { svc: "mqtt" }, annotations: { note: "np" } },
        spec: {
          type: "NodePort",
          externalTrafficPolicy: "Local",
          ports: [{ name: "mqtt", port: 1883, nodePort: 31883 }],
        },
      },
      config: {
        data: "listeners.ws.default.enable = false\ngateway.lwm2m.listeners.udp.default.bind = 5783",
      },
    });
    const service = buildListenersService(emqx);
    expect(service?.spec?.type).toBe("NodePort");
    expect(service?.spec?.externalTrafficPolicy).toBe("Local");
    expect(service?.metadata?.annotations).toEqual({ note: "np" });
    expect(service?.spec?.ports).toEqual([
      { name: "mqtt", port: 1883, nodePort: 31883, protocol: "TCP", targetPort: 1883 },
      { name: "lwm2m-udp-default", protocol: "UDP", port: 5783, targetPort: 5783 },
      { name: "ssl-default", protocol: "TCP", port: 8883, targetPort: 8883 },
      { name: "wss-default", protocol: "TCP", port: 8084, targetPort: 8084 },
    ]);
  });

  it("follows a listener port change in the live config", () => {
    const service = buildListenersService(makeEmqx(), {
      liveConfig: 'listeners.tcp.default.bind = "0.0.0.0:11883"',
    });
    expect(service?.spec?.ports).toEqual([
      { name: "tcp-default", protocol: "TCP", port: 11883, targetPort: 11883 },
    ]);
  });

  it("is not generated when the template is disabled", () => {
    expect(buildListenersService(makeEmqx({ listenersServiceTemplate: { enabled: false } }))).toBeUndefined();
  });
});
