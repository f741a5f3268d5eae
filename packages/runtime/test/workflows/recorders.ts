/** Recording implementations of the `Logger` and `Publisher` ports, for tests. */
import type { PutEventsEntry } from "@emqx-reconciler/api";
import type { LogFields, Logger, Publisher } from "../../src/ports.ts";

/** Every log line, to assert on (and to prove no secret is ever logged). */
export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; message: string; fields: LogFields }> = [];
  info(message: string, fields: LogFields = {}) {
    this.lines.push({ level: "info", message, fields });
  }
  warn(message: string, fields: LogFields = {}) {
    this.lines.push({ level: "warn", message, fields });
  }
  error(message: string, fields: LogFields = {}) {
    this.lines.push({ level: "error", message, fields });
  }
  text(): string {
    return JSON.stringify(this.lines);
  }
}

/** A bus that keeps what it accepts; `refuseNext` makes it refuse entries of the next call, as EventBridge may. */
export class RecordingPublisher implements Publisher {
  /** Indexes (within the next call) of entries to refuse, then cleared. */
  refuseNext: number[] = [];
  readonly entries: PutEventsEntry[] = [];
  calls = 0;
  async putEvents(entries: readonly PutEventsEntry[]) {
    this.calls++;
    const refuse = new Set(this.refuseNext);
    this.refuseNext = [];
    this.entries.push(...entries.filter((_, i) => !refuse.has(i)));
    const results = entries.map((_, i) =>
      refuse.has(i) ? { ErrorCode: "ThrottlingException", ErrorMessage: "slow down" } : { EventId: `e-${i}` },
    );
    return { FailedEntryCount: refuse.size, Entries: results };
  }
}
