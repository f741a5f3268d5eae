import { describe, expect, it } from "vitest";
import { buildConfigMap } from "../../src/children/configMap.ts";
import { DEFAULT_LISTENERS_HEADER, mergedConfig } from "../../src/hocon/index.ts";
import { makeEmqx } from "./fixtures.ts";

describe("buildConfigMap", () => {
  it("writes emqx.conf as the default listeners header followed by config.data byte for byte", () => {
    const data = 'license {\n  key = "evaluation"\n}\n';
    const configMap = buildConfigMap(makeEmqx({ config: { data } }));
    const text = configMap.data?.["emqx.conf"] ?? "";
    expect(configMap.metadata?.name).toBe("emqx-configs");
    expect(Object.keys(configMap.data ?? {})).toEqual(["emqx.conf"]);
    expect(text).toBe(mergedConfig(data));
    expect(text.startsWith(DEFAULT_LISTENERS_HEADER)).toBe(true);
    expect(text.endsWith(`\n${data}`)).toBe(true);
  });

  it("carries the CR's labels and the owner", () => {
    const configMap = buildConfigMap(makeEmqx({}, { labels: { env: "prod" } }));
    expect(configMap.metadata?.labels?.env).toBe("prod");
    expect(configMap.metadata?.ownerReferences).toHaveLength(1);
  });
});
