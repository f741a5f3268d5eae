export type { ClusterDump, NodeDump } from "./adminServer.ts";
export type { EmulatedCluster, EmulatedNode, NodeBootstrap } from "./cluster.ts";
export { EmulatedEmqx } from "./cluster.ts";
export { Emulator, type EmulatorOptions, logJson } from "./Emulator.ts";
export { EMULATOR_STATE_FILE, EmulatorAdmin, type EmulatorStateFile } from "./EmulatorAdmin.ts";
export { EmulatorError } from "./errors.ts";
export { FAULT_USAGE, faultCommand } from "./faultCommand.ts";
export { type ActiveFault, FaultKind, type FaultRequest, type FaultTarget } from "./faults.ts";
export type { RequestRecord, RequestSummary } from "./requestLog.ts";
