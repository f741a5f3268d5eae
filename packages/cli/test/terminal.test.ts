/** The live view: frames overwrite each other in place, in one write each, cut to the terminal. */
import { describe, expect, it } from "vitest";
import { createLiveView, cursorToFrameStart } from "../src/terminal.ts";

/** A fake terminal that records writes and can be resized. */
function fakeTerminal(columns = 40, rows = 10) {
  const writes: string[] = [];
  const listeners: Array<() => void> = [];
  return {
    columns,
    rows,
    writes,
    write: (text: string) => writes.push(text),
    on: (_: "resize", l: () => void) => listeners.push(l),
    off: (_: "resize", l: () => void) => listeners.splice(listeners.indexOf(l), 1),
    resize(c: number) {
      this.columns = c;
      for (const l of [...listeners]) l();
    },
    listeners,
  };
}

describe("createLiveView", () => {
  it("hides the cursor, draws the first frame, then returns to its first line for the next one", () => {
    const term = fakeTerminal();
    const view = createLiveView(term);
    view.draw("one\ntwo\nthree");
    view.draw("uno\ndos");
    expect(term.writes).toEqual([
      "\x1b[?25l",
      "\x1b[?2026hone\x1b[K\ntwo\x1b[K\nthree\x1b[K\x1b[J\x1b[?2026l",
      `\x1b[?2026h${cursorToFrameStart(3)}uno\x1b[K\ndos\x1b[K\x1b[J\x1b[?2026l`,
    ]);
    expect(cursorToFrameStart(3)).toBe("\r\x1b[2A");
  });

  it("writes nothing for an unchanged frame", () => {
    const term = fakeTerminal();
    const view = createLiveView(term);
    view.draw("same");
    view.draw("same");
    expect(term.writes).toHaveLength(2);
  });

  it("cuts lines to the width and frames to the height, so the cursor arithmetic holds", () => {
    const term = fakeTerminal(20, 4);
    const view = createLiveView(term);
    view.draw(["x".repeat(30), "b", "c", "d", "e"].join("\n"));
    const frame = term.writes[1] ?? "";
    expect(frame).toContain(`${"x".repeat(19)}…\x1b[K`);
    expect(frame).not.toContain("d");
    view.draw("next");
    expect(term.writes[2]).toContain(cursorToFrameStart(3));
  });

  it("clears the screen on resize and asks for a redraw, which is then drawn from the top", () => {
    const term = fakeTerminal();
    let redraws = 0;
    const view = createLiveView(term, () => redraws++);
    view.draw("a\nb");
    term.resize(60);
    expect(redraws).toBe(1);
    expect(term.writes.at(-1)).toBe("\x1b[H\x1b[2J");
    view.draw("a\nb");
    expect(term.writes.at(-1)).toBe("\x1b[?2026ha\x1b[K\nb\x1b[K\x1b[J\x1b[?2026l");
    expect(view.width).toBe(60);
  });

  it("close leaves the frame, moves below it, shows the cursor and stops listening", () => {
    const term = fakeTerminal();
    const view = createLiveView(term);
    view.draw("last");
    view.close();
    view.close();
    view.draw("ignored");
    expect(term.writes.slice(2)).toEqual(["\n\x1b[?25h"]);
    expect(term.listeners).toHaveLength(0);
  });
});
