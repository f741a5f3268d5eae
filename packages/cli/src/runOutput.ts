/**
 * Where `run` writes: on a terminal, a live status table (plus the last few log lines) redrawn in place; otherwise
 * (or with `--log-format json`) one log line per event on stdout, JSON unless `--log-format text`.
 */
import { type CliLogger, createLogger, type LogFormat } from "./log.ts";
import { StatusBoard } from "./statusBoard.ts";
import { renderTable } from "./table.ts";
import { createLiveView, type TerminalLike } from "./terminal.ts";

/** Options of {@link createRunOutput}. */
export interface RunOutputOptions {
  /** `--log-format`, when given. */
  format?: LogFormat;
  /** Print debug lines too (`--debug`). */
  verbose?: boolean;
  stdout: TerminalLike & { isTTY?: boolean };
}

/** The logger and status board of a run, wired to the chosen output. */
export interface RunOutput {
  logger: CliLogger;
  board: StatusBoard;
  /** True when the live table is shown. */
  live: boolean;
  /** The first line of the live view (what runs, how to stop). */
  setTitle(title: string): void;
  /** Draws the last frame and gives the terminal back. */
  close(): void;
}

const RECENT_LINES = 6;
const REDRAW_DELAY_MS = 100;

/** Picks the output: the live table needs a TTY and no explicit JSON. */
export function createRunOutput(options: RunOutputOptions): RunOutput {
  const { stdout } = options;
  if (!stdout.isTTY || options.format === "json") {
    const format = options.format ?? "json";
    const write = (line: string) => stdout.write(`${line}\n`);
    return {
      logger: createLogger({ format, write, verbose: options.verbose }),
      board: new StatusBoard(),
      live: false,
      setTitle: () => undefined,
      close: () => undefined,
    };
  }
  return createLiveOutput(options.stdout, options.verbose ?? false);
}

function createLiveOutput(stdout: TerminalLike, verbose: boolean): RunOutput {
  const recent: string[] = [];
  let title = "";
  let closed = false;
  let pending: NodeJS.Timeout | undefined;
  const frame = () =>
    [
      title,
      "",
      renderTable(board.list(), { width: view.width, now: new Date() }),
      ...(recent.length > 0 ? ["", ...recent] : []),
    ].join("\n");
  const draw = () => {
    pending = undefined;
    if (!closed) view.draw(frame());
  };
  const schedule = () => {
    pending ??= setTimeout(draw, REDRAW_DELAY_MS);
  };
  const board = new StatusBoard(schedule);
  const view = createLiveView(stdout, draw);
  const ticker = setInterval(draw, 1000).unref();
  const logger = createLogger({
    format: "text",
    verbose,
    omit: ["cluster"],
    write: (line) => {
      // The time of day is enough under a live table: `2026-01-02T03:04:05.678Z INFO …` → `03:04:05 INFO …`.
      const short = line.replace(/^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d)\.\d+Z/, "$1");
      if (closed) {
        process.stderr.write(`${short}\n`);
        return;
      }
      recent.push(short);
      if (recent.length > RECENT_LINES) recent.shift();
      schedule();
    },
  });
  return {
    logger,
    board,
    live: true,
    setTitle(text) {
      title = text;
      draw();
    },
    close() {
      if (closed) return;
      clearInterval(ticker);
      if (pending) clearTimeout(pending);
      draw();
      closed = true;
      view.close();
    },
  };
}
