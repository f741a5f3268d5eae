/**
 * The resident memory Node itself needs before any of our code: a bare `node` with the given flags that has served
 * and made one keep-alive HTTP request (what any reconciler talking to an apiserver loads), measured once it has
 * been quiet for a second. The floor under `run`'s idle RSS, printed beside it.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const SCRIPT = `
const http = require("node:http");
const server = http.createServer((req, res) => res.end("ok")).listen(0, "127.0.0.1", () => {
  const agent = new http.Agent({ keepAlive: true });
  http.get({ host: "127.0.0.1", port: server.address().port, agent }, (res) => {
    res.resume();
    res.on("end", () => setTimeout(() => {
      const status = require("node:fs").readFileSync("/proc/self/status", "utf8");
      const kb = (f) => Number(new RegExp(f + ":\\\\s+(\\\\d+)").exec(status)[1]);
      console.log(JSON.stringify({ rss: kb("VmRSS") / 1024, anon: kb("RssAnon") / 1024 }));
      process.exit(0);
    }, 1000));
  });
});`;

/** Median `VmRSS` and `RssAnon` (MiB) of `runs` bare Node processes started with `flags`. */
export async function nodeFloorMiB(
  flags: readonly string[],
  runs = 3,
): Promise<{ rss: number; anon: number }> {
  const samples: Array<{ rss: number; anon: number }> = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, "-e", SCRIPT]);
    samples.push(JSON.parse(stdout) as { rss: number; anon: number });
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return { rss: median(samples.map((s) => s.rss)), anon: median(samples.map((s) => s.anon)) };
}
