/** The shape every `emqx-reconciler` verb has, and the one error type verbs throw for a readable failure. */
import type { ParseArgsConfig } from "node:util";

/** Parsed arguments handed to a verb. */
export interface CommandArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
  /** Set by `--debug`: print stacks and extra detail. */
  debug: boolean;
}

/** One CLI verb (its name and summary live in the verb list, commands/index.ts). `run` resolves to the exit code. */
export interface Command {
  /** Usage text printed by `<verb> --help`, starting with the synopsis line. */
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Whether positionals are accepted. @default false */
  allowPositionals?: boolean;
  run(args: CommandArgs): Promise<number>;
}

/**
 * A failure to report as one line (no stack unless `--debug`), with the exit code to use.
 *
 * @example throw new CliError("examples/x.yaml: spec.image: Required");
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, options?: { exitCode?: number; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "CliError";
    this.exitCode = options?.exitCode ?? 1;
  }
}
