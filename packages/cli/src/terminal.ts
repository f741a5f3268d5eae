/**
 * A block of text redrawn in place at the bottom of a terminal: each frame overwrites the previous one line by
 * line in a single write (inside a synchronized-update bracket where the terminal supports it), so it never
 * flickers, and lines are cut to the width so wrapping can never throw the cursor arithmetic off.
 */
import { truncate } from "./table.ts";

const ESC = "\x1b[";
const SYNC_START = "\x1b[?2026h";
const SYNC_END = "\x1b[?2026l";
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const CLEAR_LINE_END = `${ESC}K`;
const CLEAR_BELOW = `${ESC}J`;

/** The terminal a live view draws on (a TTY `process.stdout` fits). */
export interface TerminalLike {
  columns?: number;
  rows?: number;
  write(text: string): unknown;
  on?(event: "resize", listener: () => void): unknown;
  off?(event: "resize", listener: () => void): unknown;
}

/** A redrawable block. */
export interface LiveView {
  /** Width to render for (the terminal's columns, at least 20). */
  readonly width: number;
  /** Draws `frame` over the previous one; an identical frame writes nothing. */
  draw(frame: string): void;
  /** Leaves the last frame on screen, moves below it and shows the cursor again. */
  close(): void;
}

/** The escape sequence that takes the cursor from the end of an `n`-line frame back to its first column. */
export function cursorToFrameStart(lines: number): string {
  return lines > 1 ? `\r${ESC}${lines - 1}A` : "\r";
}

/**
 * Starts a live view on `term`. `onResize` is called after the terminal changed size (the caller redraws; the
 * old frame, possibly rewrapped by the terminal, is cleared from the screen first).
 */
export function createLiveView(term: TerminalLike, onResize: () => void = () => undefined): LiveView {
  let drawn = 0;
  let last = "";
  let closed = false;
  const width = () => Math.max(20, term.columns ?? 80);
  const height = () => Math.max(3, (term.rows ?? 24) - 1);
  const resize = () => {
    term.write(`${ESC}H${ESC}2J`);
    drawn = 0;
    last = "";
    onResize();
  };
  term.on?.("resize", resize);
  term.write(HIDE_CURSOR);
  return {
    get width() {
      return width();
    },
    draw(frame) {
      if (closed || frame === last) return;
      const lines = frame.split("\n").slice(0, height());
      const body = lines.map((l) => `${truncate(l, width())}${CLEAR_LINE_END}`).join("\n");
      term.write(
        `${SYNC_START}${drawn > 0 ? cursorToFrameStart(drawn) : ""}${body}${CLEAR_BELOW}${SYNC_END}`,
      );
      drawn = lines.length;
      last = frame;
    },
    close() {
      if (closed) return;
      closed = true;
      term.off?.("resize", resize);
      term.write(`${drawn > 0 ? "\n" : ""}${SHOW_CURSOR}`);
    },
  };
}
