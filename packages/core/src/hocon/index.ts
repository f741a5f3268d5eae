export { cookieSecretValue, nodeCookie } from "./cookie.ts";
export { DEFAULT_LISTENERS_HEADER, mergedConfig } from "./emqxConf.ts";
export { HoconError, type Position } from "./errors.ts";
export { DEFAULT_HOCON_LIMITS, type HoconLimits } from "./limits.ts";
export { type ParseHoconOptions, parseHocon, type ReadConfigResult, readConfig, toConf } from "./parse.ts";
export {
  computeBindPort,
  type DashboardPortMap,
  dashboardPortMap,
  dashboardScheme,
  dashboardServicePorts,
  listenerServicePorts,
} from "./ports.ts";
export {
  asString,
  type ConfigInput,
  getPath,
  type HoconArray,
  type HoconObject,
  type HoconScalar,
  type HoconValue,
  isFalse,
  isHoconObject,
} from "./values.ts";
