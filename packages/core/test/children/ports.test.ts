import { describe, expect, it } from "vitest";
import { mergeContainerPorts, mergeServicePorts } from "../../src/children/ports.ts";

describe("mergeServicePorts", () => {
  it("keeps template ports first and drops later ports that reuse a name or a number", () => {
    const merged = mergeServicePorts(
      [
        { name: "mqtt", port: 1883, targetPort: 1883, protocol: "TCP", nodePort: 31883 },
        { name: "ws-default", port: 9083, targetPort: 8083 },
      ],
      [
        { name: "tcp-default", port: 1883, targetPort: 1883, protocol: "TCP" },
        { name: "ws-default", port: 8083, targetPort: 8083, protocol: "TCP" },
        { name: "wss-default", port: 8084, targetPort: 8084, protocol: "TCP" },
      ],
    );
    expect(merged).toEqual([
      { name: "mqtt", port: 1883, targetPort: 1883, protocol: "TCP", nodePort: 31883 },
      { name: "ws-default", port: 9083, targetPort: 8083, protocol: "TCP" },
      { name: "wss-default", port: 8084, targetPort: 8084, protocol: "TCP" },
    ]);
  });

  it("gives a template port without targetPort or protocol the values the apiserver would", () => {
    expect(mergeServicePorts([{ name: "mqtt", port: 1883 }], [])).toEqual([
      { name: "mqtt", port: 1883, protocol: "TCP", targetPort: 1883 },
    ]);
    expect(mergeServicePorts([{ name: "web", port: 80, targetPort: "dashboard" }], [])[0]?.targetPort).toBe(
      "dashboard",
    );
  });

  it("accepts missing lists", () => {
    expect(mergeServicePorts(undefined, undefined)).toEqual([]);
  });
});

describe("mergeContainerPorts", () => {
  it("de-duplicates by name and by number, first wins, and sets the protocol", () => {
    expect(
      mergeContainerPorts(
        [{ name: "metrics", containerPort: 9100 }],
        [
          { name: "metrics", containerPort: 9200 },
          { name: "other", containerPort: 9100 },
          { name: "dashboard", containerPort: 18083, protocol: "TCP" },
        ],
      ),
    ).toEqual([
      { name: "metrics", containerPort: 9100, protocol: "TCP" },
      { name: "dashboard", containerPort: 18083, protocol: "TCP" },
    ]);
  });

  it('treats a missing name as the name "", like the operator: only the first unnamed port is kept', () => {
    expect(mergeContainerPorts([{ containerPort: 1 }, { containerPort: 2 }])).toEqual([
      { containerPort: 1, protocol: "TCP" },
    ]);
    expect(mergeServicePorts([{ port: 80 }, { port: 81 }], [{ name: "tcp-default", port: 1883 }])).toEqual([
      { port: 80, protocol: "TCP", targetPort: 80 },
      { name: "tcp-default", port: 1883, protocol: "TCP", targetPort: 1883 },
    ]);
  });
});
