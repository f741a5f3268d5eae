/**
 * The handlers as Lambda loads them: each bundle (scripts/bundle.ts, the settings the infra deploys) fits the
 * 1 MB goal and importing it loads no AWS SDK or Smithy package (clients are built on their first call); undici
 * (only HTTP/2 gateways use it) and the kubeconfig YAML parser are chunks of their own paths, in no entry.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bundleBytes, bundleHandler } from "../scripts/bundle.ts";
import { HANDLER_NAMES } from "../src/handlers.ts";

/** The package names whose files a fresh `node` loads while importing `entry`. */
function packagesLoadedByImport(entry: string): string[] {
  const script = `import { registerHooks } from "node:module";
const urls = [];
registerHooks({ load(url, context, next) { urls.push(url); return next(url, context); } });
await import(${JSON.stringify(entry)});
console.log(JSON.stringify(urls));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, AWS_REGION: "eu-west-1" },
  });
  const urls = JSON.parse(out.toString()) as string[];
  return [...new Set(urls.flatMap((url) => url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? []))];
}

describe("Lambda bundles", () => {
  it("the import probe sees the packages an import loads (a direct SDK import)", { timeout: 60_000 }, () => {
    expect(packagesLoadedByImport("@aws-sdk/client-sqs")).toContain("@aws-sdk/client-sqs");
  });

  it.each([...HANDLER_NAMES])(
    "%s: at most 1 MB, and its import loads no AWS SDK package",
    {
      timeout: 120_000,
    },
    async (name) => {
      const bundle = await bundleHandler(name);
      expect(bundleBytes(bundle).total).toBeLessThanOrEqual(1_000_000);
      const loaded = packagesLoadedByImport(bundle.entry);
      expect(loaded.filter((p) => p.startsWith("@aws-sdk/") || p.startsWith("@smithy/"))).toEqual([]);
    },
  );

  it("undici (the HTTP/2 client) and the YAML parser are chunks of their own paths, in no entry", {
    timeout: 120_000,
  }, async () => {
    const entryText = async (name: string) => readFileSync((await bundleHandler(name)).entry, "utf8");
    const chunkTexts = async (name: string) => {
      const bundle = await bundleHandler(name);
      return bundle.files.filter((f) => f !== bundle.entry).map((f) => readFileSync(f, "utf8"));
    };
    const undici = "undici.error.UND_ERR";
    const yaml = "yaml.document";
    for (const name of HANDLER_NAMES) {
      const entry = await entryText(name);
      expect(entry).not.toContain(undici);
      expect(entry).not.toContain(yaml);
    }
    expect((await chunkTexts("forwarder")).some((text) => text.includes(undici))).toBe(true);
    expect((await chunkTexts("reconcile")).some((text) => text.includes(yaml))).toBe(true);
  });
});
