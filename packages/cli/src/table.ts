/**
 * The status table of `run` on a terminal, as a pure function of its rows, the clock and the width, so it can be
 * tested as text and redrawn whole on every change.
 */

/** Ready and desired nodes of one role. */
export interface NodeCount {
  ready: number;
  desired: number;
}

/** One EMQX CR as the table shows it. */
export interface StatusRow {
  namespace: string;
  name: string;
  /** First True lifecycle condition (what `kubectl get emqx` shows), or the problem that holds the CR back. */
  phase: string;
  /** True when `phase` names a problem (InvalidSpec, InvalidConfig, API unreachable, a failing reconcile). */
  problem: boolean;
  cores: NodeCount;
  /** Absent when the CR has no replicant template. */
  replicants?: NodeCount;
  /** The newest thing that happened to the CR: an Event we recorded or a failure. */
  lastEvent?: { text: string; at: Date };
  createdAt?: Date;
}

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** Columns available; every line of the result is at most this long. */
  width: number;
  now: Date;
}

/** Short age in kubectl's style: `45s`, `3m12s`, `25m`, `5h`, `3d`. */
export function formatAge(from: Date | undefined, now: Date): string {
  if (!from) return "-";
  const s = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

/** Cuts `text` to `width` characters, marking the cut with `…`. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return "";
  return `${chars.slice(0, width - 1).join("")}…`;
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - [...text].length));
}

function count(c: NodeCount | undefined): string {
  return c ? `${c.ready}/${c.desired}` : "-";
}

const HEADERS = ["CR", "PHASE", "CORES", "REPLICANTS", "LAST EVENT", "AGE"] as const;
const GAP = 2;
const MIN_CR = 12;
const MIN_EVENT = 12;
const EVENT_COLUMN = 4;

/**
 * Renders rows (sorted by namespace, then name) under a header line. Fixed columns keep their width; when the
 * terminal is narrow the last-event column gives way first (down to 12 characters, then it is left out), then the
 * CR column, and as a last resort lines are cut.
 * No trailing spaces, no line longer than `width`.
 *
 * @example renderTable([{ namespace: "default", name: "emqx", phase: "Ready", problem: false,
 *   cores: { ready: 2, desired: 2 } }], { width: 80, now: new Date() })
 */
export function renderTable(rows: readonly StatusRow[], options: TableOptions): string {
  const sorted = [...rows].sort((a, b) =>
    a.namespace === b.namespace ? a.name.localeCompare(b.name) : a.namespace.localeCompare(b.namespace),
  );
  const cells = sorted.map((r) => [
    `${r.namespace}/${r.name}`,
    r.phase,
    count(r.cores),
    count(r.replicants),
    r.lastEvent ? `${r.lastEvent.text} (${formatAge(r.lastEvent.at, options.now)} ago)` : "-",
    formatAge(r.createdAt, options.now),
  ]);
  const natural = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => [...(c[i] ?? "")].length)));
  const [crW = 0, phaseW = 0, coresW = 0, replW = 0, eventW = 0, ageW = 0] = natural;
  const fixed = phaseW + coresW + replW + ageW + GAP * (HEADERS.length - 1);
  const room = Math.max(0, options.width - fixed);
  const eventMin = Math.min(eventW, MIN_EVENT);
  // Too narrow for a readable last event: leave the column out rather than cut the age off the end.
  const showEvent = room >= Math.min(crW, MIN_CR) + eventMin;
  const cr = Math.min(crW, Math.max(MIN_CR, showEvent ? room - eventMin : room + GAP));
  const widths = [cr, phaseW, coresW, replW, showEvent ? Math.min(eventW, room - cr) : 0, ageW];
  const line = (values: readonly string[]) =>
    truncate(
      values
        .flatMap((v, i) =>
          i === EVENT_COLUMN && !showEvent ? [] : [pad(truncate(v, widths[i] ?? 0), widths[i] ?? 0)],
        )
        .join(" ".repeat(GAP))
        .trimEnd(),
      options.width,
    );
  return [line(HEADERS), ...cells.map(line)].join("\n");
}
