/**
 * Where each named system setting lives on each platform, and in which unit.
 *
 * @module
 */

import type { SettingName } from "./system.ts";

/** Where one setting is read. */
export interface SettingSpec {
  /** Linux: the file under `/proc/sys`, which whitespace-separated field, and the factor to the unit. */
  readonly linux: { readonly path: string; readonly field: number; readonly scale: number };
  /** macOS and FreeBSD: the sysctl name and the factor to the unit. */
  readonly bsd: { readonly sysctl: string; readonly scale: number };
  /** Windows: why socketlab cannot read it there. */
  readonly windows: string;
}

const KEEPALIVE_ON_WINDOWS = "Windows keeps TCP keep-alive settings in the registry " +
  "(KeepAliveTime, KeepAliveInterval under Tcpip\\Parameters, usually unset: 2 hours and 1 s) " +
  "and no command socketlab runs shows them";
const PORTS_ON_WINDOWS = "socketlab does not read it on Windows " +
  "(`netsh int ipv4 show dynamicport tcp` shows the range, 49152–65535 by default)";

/** Every setting `System.setting()` knows. */
export const SETTINGS: Readonly<Record<SettingName, SettingSpec>> = {
  somaxconn: {
    linux: { path: "/proc/sys/net/core/somaxconn", field: 0, scale: 1 },
    bsd: { sysctl: "kern.ipc.somaxconn", scale: 1 },
    windows: "Windows has no somaxconn setting: Winsock chooses the backlog limit itself",
  },
  defaultTtl: {
    linux: { path: "/proc/sys/net/ipv4/ip_default_ttl", field: 0, scale: 1 },
    bsd: { sysctl: "net.inet.ip.ttl", scale: 1 },
    windows: "socketlab does not read it on Windows " +
      "(`netsh interface ipv4 show global` shows it as Default Hop Limit, 128 by default)",
  },
  keepAliveTimeMs: {
    linux: { path: "/proc/sys/net/ipv4/tcp_keepalive_time", field: 0, scale: 1000 },
    bsd: { sysctl: "net.inet.tcp.keepidle", scale: 1 },
    windows: KEEPALIVE_ON_WINDOWS,
  },
  keepAliveIntervalMs: {
    linux: { path: "/proc/sys/net/ipv4/tcp_keepalive_intvl", field: 0, scale: 1000 },
    bsd: { sysctl: "net.inet.tcp.keepintvl", scale: 1 },
    windows: KEEPALIVE_ON_WINDOWS,
  },
  keepAliveProbes: {
    linux: { path: "/proc/sys/net/ipv4/tcp_keepalive_probes", field: 0, scale: 1 },
    bsd: { sysctl: "net.inet.tcp.keepcnt", scale: 1 },
    windows: KEEPALIVE_ON_WINDOWS,
  },
  ephemeralPortFirst: {
    linux: { path: "/proc/sys/net/ipv4/ip_local_port_range", field: 0, scale: 1 },
    bsd: { sysctl: "net.inet.ip.portrange.first", scale: 1 },
    windows: PORTS_ON_WINDOWS,
  },
  ephemeralPortLast: {
    linux: { path: "/proc/sys/net/ipv4/ip_local_port_range", field: 1, scale: 1 },
    bsd: { sysctl: "net.inet.ip.portrange.last", scale: 1 },
    windows: PORTS_ON_WINDOWS,
  },
};
