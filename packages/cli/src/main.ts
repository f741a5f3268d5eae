#!/usr/bin/env node
/**
 * `emqx-reconciler` entry point: picks the verb, parses its flags, prints errors as one readable line.
 */
import { parseArgs } from "node:util";
import { scrubText } from "@emqx-reconciler/api";
import { CliError } from "./command.ts";
import { verbs } from "./commands/index.ts";

const GLOBAL_OPTIONS = {
  help: { type: "boolean", short: "h" },
  debug: { type: "boolean" },
} as const;

function verbList(): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  return verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`).join("\n");
}

const TOP_USAGE = `Usage: emqx-reconciler <verb> [options]

Serverless reconciler for EMQX clusters (apps.emqx.io/v2beta1) on Kubernetes.

Verbs:
${verbList()}

Run 'emqx-reconciler <verb> --help' for a verb's options. Add --debug to any verb for stack traces.`;

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    console.log(TOP_USAGE);
    return verb === undefined ? 2 : 0;
  }
  const entry = verbs.find((v) => v.name === verb);
  if (!entry)
    throw new CliError(`unknown verb '${verb}'; run 'emqx-reconciler --help' for the list`, { exitCode: 2 });
  const command = (await entry.load()).default;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new CliError(`${verb}: ${(error as Error).message}\n\n${command.usage}`, { exitCode: 2 });
  }
  if (parsed.values.help) {
    console.log(command.usage);
    return 0;
  }
  return command.run({
    values: parsed.values,
    positionals: parsed.positionals,
    debug: parsed.values.debug === true,
  });
}

const debug = process.argv.includes("--debug");
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // The last words go through the redaction layer too: an error may quote a header or a config line.
    const text =
      error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
    console.error(`emqx-reconciler: ${scrubText(text)}`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  },
);
