/** Every verb of the CLI, in the order `--help` lists them. Each lives in its own file in this folder. */
import type { Command } from "../command.ts";
import crd from "./crd.ts";
import plan from "./plan.ts";
import run from "./run.ts";
import sandbox from "./sandbox.ts";
import start from "./start.ts";

export const commands: Command[] = [crd, plan, run, start, sandbox];
