/** Built binaries come from the cache once built: stamped with the pinned Kubernetes version, nothing rebuilt. */
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { BINARIES, type BinaryPaths, ensureBinaries, KUBERNETES_VERSION } from "../src/build.ts";

let paths: BinaryPaths;
beforeAll(async () => {
  paths = await ensureBinaries();
});

describe("ensureBinaries", () => {
  it("returns a cached build without building again", async () => {
    const lines: string[] = [];
    const again = await ensureBinaries({ onProgress: (line) => lines.push(line) });
    expect(again).toEqual(paths);
    expect(lines).toEqual([]);
  });

  it("provides every binary, executable", () => {
    for (const name of Object.keys(BINARIES) as Array<keyof typeof BINARIES>)
      expect(() => accessSync(paths.bin[name], constants.X_OK)).not.toThrow();
  });

  it("stamps the Kubernetes binaries with the pinned version", () => {
    expect(execFileSync(paths.bin["kube-apiserver"], ["--version"], { encoding: "utf8" })).toContain(
      KUBERNETES_VERSION,
    );
    expect(execFileSync(paths.bin.kubectl, ["version", "--client"], { encoding: "utf8" })).toContain(
      KUBERNETES_VERSION,
    );
    expect(execFileSync(paths.bin.kwok, ["--version"], { encoding: "utf8" })).toContain("v0.8.0");
  });
});
