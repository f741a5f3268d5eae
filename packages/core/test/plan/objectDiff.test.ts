/** `diffObjects`: the field paths a write would change, bookkeeping left out. */
import { describe, expect, it } from "vitest";
import { changedPaths, diffObjects } from "../../src/plan/objectDiff.ts";

describe("diffObjects", () => {
  it("names changed, added and removed fields by path", () => {
    const live = { spec: { replicas: 2, paused: true, selector: { app: "a" } } };
    const next = { spec: { replicas: 3, selector: { app: "a" }, minReadySeconds: 5 } };
    expect(diffObjects(live, next)).toEqual([
      { path: "spec.minReadySeconds", after: 5 },
      { path: "spec.paused", before: true },
      { path: "spec.replicas", before: 2, after: 3 },
    ]);
  });

  it("names list entries by their name when every entry has a distinct one, else by index", () => {
    const containers = (image: string) => [
      { name: "emqx", image },
      { name: "exporter", image: "busybox" },
    ];
    expect(diffObjects({ c: containers("emqx:5.8.6") }, { c: containers("emqx:5.8.7") })).toEqual([
      { path: "c[emqx].image", before: "emqx:5.8.6", after: "emqx:5.8.7" },
    ]);
    expect(diffObjects({ args: ["a", "b"] }, { args: ["a", "c", "d"] })).toEqual([
      { path: "args[1]", before: "b", after: "c" },
      { path: "args[2]", after: "d" },
    ]);
  });

  it("names conditions by their type", () => {
    const conditions = (status: string) => [
      { type: "Ready", status },
      { type: "Available", status: "True" },
    ];
    expect(diffObjects({ c: conditions("True") }, { c: conditions("False") })).toEqual([
      { path: "c[Ready].status", before: "True", after: "False" },
    ]);
  });

  it("leaves out what every write changes, and the status", () => {
    const live = {
      metadata: { name: "x", resourceVersion: "1", generation: 1, managedFields: [] },
      status: { a: 1 },
    };
    const next = {
      metadata: { name: "x", resourceVersion: "2", generation: 2, managedFields: [{}] },
      status: { a: 2 },
    };
    expect(diffObjects(live, next)).toEqual([]);
  });

  it("reports a whole object added as one change", () => {
    expect(diffObjects(undefined, { a: 1 })).toEqual([{ path: "", after: { a: 1 } }]);
  });
});

describe("changedPaths", () => {
  it("names the sent fields whose live value differs, ignoring what only the live object has", () => {
    const desired = {
      spec: { replicas: 3, template: { spec: { containers: [{ name: "emqx", image: "e:2" }] } } },
    };
    const live = {
      spec: {
        replicas: 2,
        paused: false,
        template: { spec: { containers: [{ name: "emqx", image: "e:1", imagePullPolicy: "IfNotPresent" }] } },
      },
    };
    expect(changedPaths(desired, live)).toEqual([
      "spec.replicas",
      "spec.template.spec.containers[emqx].image",
    ]);
  });

  it("names nothing for an object that is created", () => {
    expect(changedPaths({ spec: { replicas: 1 } }, undefined)).toEqual([]);
  });
});
