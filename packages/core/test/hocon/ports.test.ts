import { describe, expect, it } from "vitest";
import {
  computeBindPort,
  dashboardPortMap,
  dashboardScheme,
  dashboardServicePorts,
  HoconError,
  listenerServicePorts,
  mergedConfig,
  parseHocon,
} from "../../src/hocon/index.ts";

const tcp = (name: string, port: number) => ({ name, protocol: "TCP", port, targetPort: port });
const udp = (name: string, port: number) => ({ name, protocol: "UDP", port, targetPort: port });
/** The header's four listeners, sorted by name as parsed ports are. */
const DEFAULTS = [
  tcp("ssl-default", 8883),
  tcp("tcp-default", 1883),
  tcp("ws-default", 8083),
  tcp("wss-default", 8084),
];
/** The operator's fallback when a config yields no listener at all, in its own order. */
const FALLBACK = [
  tcp("tcp-default", 1883),
  tcp("ssl-default", 8883),
  tcp("ws-default", 8083),
  tcp("wss-default", 8084),
];

describe("Function: dashboardPortMap (operator GetDashboardPortMap)", () => {
  it.each([
    ["", { dashboard: 18083 }],
    ["dashboard.listeners.http.bind = 18083", { dashboard: 18083 }],
    ['dashboard.listeners.http.bind = "0.0.0.0:18083"', { dashboard: 18083 }],
    ['dashboard.listeners.http.bind = "[::]:18083"', { dashboard: 18083 }],
    ['dashboard.listeners.http.bind = "28083"', { dashboard: 28083 }],
    ["dashboard.listeners.https.bind = 18084", { dashboard: 18083, "dashboard-https": 18084 }],
    [
      "dashboard.listeners.http.bind = 0\ndashboard.listeners.https.bind = 18084",
      { "dashboard-https": 18084 },
    ],
    ["dashboard.listeners.http.bind = 0\ndashboard.listeners.https.bind = 0", {}],
    ["dashboard.listeners { http.bind = 18083, https.bind = 0 }", { dashboard: 18083 }],
  ])("%j → %j", (text, expected) => {
    expect(dashboardPortMap(parseHocon(text))).toEqual(expected);
    expect(dashboardPortMap(text)).toEqual(expected);
  });

  it("rejects invalid HOCON with a HoconError", () => {
    expect(() => dashboardPortMap("hello world")).toThrow(HoconError);
    expect(() => dashboardPortMap("dashboard {")).toThrow(/line 1, column 12: missing '}'/);
  });
});

describe("Function: dashboardServicePorts", () => {
  it("gives one TCP port per entry, sorted by name", () => {
    expect(dashboardServicePorts("")).toEqual([tcp("dashboard", 18083)]);
    expect(dashboardServicePorts('dashboard.listeners.https.bind = "[::]:18084"')).toEqual([
      tcp("dashboard", 18083),
      tcp("dashboard-https", 18084),
    ]);
    expect(dashboardServicePorts("dashboard.listeners.http.bind = 0")).toEqual([]);
  });
});

describe("Function: dashboardScheme", () => {
  it("prefers http when it is bound, falls back to https, and is undefined with neither", () => {
    expect(dashboardScheme("")).toEqual({ scheme: "http", port: 18083 });
    expect(dashboardScheme("dashboard.listeners.https.bind = 18084")).toEqual({
      scheme: "http",
      port: 18083,
    });
    expect(
      dashboardScheme("dashboard.listeners.http.bind = 0\ndashboard.listeners.https.bind = 18084"),
    ).toEqual({
      scheme: "https",
      port: 18084,
    });
    expect(
      dashboardScheme("dashboard.listeners.http.bind = 0\ndashboard.listeners.https.bind = 0"),
    ).toBeUndefined();
  });
  it("skips a listener with enable = false, which EMQX does not serve", () => {
    const https = "dashboard.listeners.https.bind = 18084";
    expect(dashboardScheme(`dashboard.listeners.http.enable = false\n${https}`)).toEqual({
      scheme: "https",
      port: 18084,
    });
    expect(
      dashboardScheme(
        `dashboard.listeners.http.enable = false\n${https}\ndashboard.listeners.https.enable = false`,
      ),
    ).toBeUndefined();
  });
});

describe("Function: listenerServicePorts (operator GetListenersServicePorts)", () => {
  it("names listeners <type>-<name>, quic → UDP, sorted by name", () => {
    const text = [
      'listeners.tcp.default.bind = "0.0.0.0:1883"',
      'listeners.ssl.default.bind = "0.0.0.0:8883"',
      'listeners.ws.default.bind = "0.0.0.0:8083"',
      'listeners.wss.default.bind = "0.0.0.0:8084"',
      'listeners.quic.default.bind = "0.0.0.0:14567"',
    ].join("\n");
    expect(listenerServicePorts(text)).toEqual([
      udp("quic-default", 14567),
      tcp("ssl-default", 8883),
      tcp("tcp-default", 1883),
      tcp("ws-default", 8083),
      tcp("wss-default", 8084),
    ]);
  });

  it("names gateway listeners <proto>-<type>-<name>, udp and dtls → UDP", () => {
    const text = [
      'gateway.coap.listeners.udp.default.bind = "5683"',
      'gateway.exproto.listeners.tcp.default.bind = "7993"',
      'gateway.lwm2m.listeners.dtls.secure.bind = "5784"',
      'gateway.mqttsn.listeners.udp.default.bind = "1884"',
      'gateway.stomp.listeners.tcp.default.bind = "61613"',
    ].join("\n");
    expect(listenerServicePorts(text)).toEqual([
      udp("coap-udp-default", 5683),
      tcp("exproto-tcp-default", 7993),
      udp("lwm2m-dtls-secure", 5784),
      udp("mqttsn-udp-default", 1884),
      tcp("stomp-tcp-default", 61613),
    ]);
  });

  it("reproduces the operator's lwm2m e2e expectation on the ConfigMap's merged config", () => {
    const data = 'gateway.lwm2m {\n  xml_dir = "etc/lwm2m_xml/"\n  listeners.udp.default.bind = "5783"\n}';
    expect(listenerServicePorts(mergedConfig(data))).toEqual([udp("lwm2m-udp-default", 5783), ...DEFAULTS]);
  });

  it("follows a changed listener port (e2e: tcp moved to 11883)", () => {
    const ports = listenerServicePorts(mergedConfig('listeners.tcp.default.bind = "11883"'));
    expect(ports.find((p) => p.name === "tcp-default")).toEqual(tcp("tcp-default", 11883));
  });

  it("skips listeners and gateways switched off by enable or enabled", () => {
    const text = [
      "listeners.tcp.default { bind = 1883, enable = false }",
      'listeners.ssl.default { bind = 8883, enabled = "false" }',
      "listeners.ws.default { bind = 8083, enable = off }",
      "listeners.wss.default { bind = 8084, enable = true }",
      'listeners.tcp.internal { bind = "127.0.0.1:11883", enable = "off" }',
      "gateway.stomp { enable = false, listeners.tcp.default.bind = 61613 }",
      "gateway.coap { enabled = true, listeners.udp.default { bind = 5683, enabled = false } }",
      "gateway.mqttsn.listeners.udp.default.bind = 1884",
    ].join("\n");
    expect(listenerServicePorts(text)).toEqual([
      udp("mqttsn-udp-default", 1884),
      tcp("tcp-internal", 11883),
      tcp("wss-default", 8084),
    ]);
  });

  it("falls back to the four defaults when nothing is left, and skips binds without a usable port", () => {
    expect(listenerServicePorts("")).toEqual(FALLBACK);
    expect(listenerServicePorts("listeners.tcp.default.enable = false")).toEqual(FALLBACK);
    expect(
      listenerServicePorts("listeners.tcp.default.max_connections = 10\nlisteners.ws.x.bind = 0"),
    ).toEqual(FALLBACK);
  });

  it("reads the EMQX-normalised live config shape", () => {
    const live = `listeners {
  ssl {default {bind = "0.0.0.0:8883", enable = true, ssl_options {verify = verify_none}}}
  tcp {default {bind = "0.0.0.0:1883", enable = true, max_connections = infinity}}
  ws {default {bind = "0.0.0.0:8083", enable = true, websocket {mqtt_path = "/mqtt"}}}
  wss {default {bind = "0.0.0.0:8084", enable = false}}
}
node {cookie = "emqxsecretcookie", data_dir = "data", name = "emqx@127.0.0.1"}
`;
    expect(listenerServicePorts(live)).toEqual([
      tcp("ssl-default", 8883),
      tcp("tcp-default", 1883),
      tcp("ws-default", 8083),
    ]);
  });
});

describe("Function: computeBindPort", () => {
  it.each([
    ["1883", 1883],
    ["0.0.0.0:1883", 1883],
    ["[::]:1883", 1883],
    ["[::1]:8083", 8083],
    ['"1883"', 1883],
    ["0", 0],
    ["", 0],
    ["::1883", 0],
    ["[::]", 0],
    ["0.0.0.0:", 0],
    ["0.0.0.0:http", 0],
    ["70000", 0],
  ])("%j → %i", (bind, port) => {
    expect(computeBindPort(bind)).toBe(port);
  });
});
