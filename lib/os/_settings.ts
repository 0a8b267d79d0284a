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

const SOMAXCONN_ON_WINDOWS =
  "Windows has no somaxconn setting: Winsock chooses the backlog limit itself";
const TTL_ON_WINDOWS = "socketlab does not read it on Windows " +
  "(`netsh interface ipv4 show global` shows it as Default Hop Limit, 128 by default)";
const PROC = "/proc/sys/net";

/** One setting per row: Linux's file, field and factor; the BSD sysctl and factor; why not on Windows. */
const TABLE: readonly (readonly [SettingName, string, number, number, string, number, string])[] = [
  ["somaxconn", `${PROC}/core/somaxconn`, 0, 1, "kern.ipc.somaxconn", 1, SOMAXCONN_ON_WINDOWS],
  ["defaultTtl", `${PROC}/ipv4/ip_default_ttl`, 0, 1, "net.inet.ip.ttl", 1, TTL_ON_WINDOWS],
  [
    "keepAliveTimeMs",
    `${PROC}/ipv4/tcp_keepalive_time`,
    0,
    1000,
    "net.inet.tcp.keepidle",
    1,
    KEEPALIVE_ON_WINDOWS,
  ],
  [
    "keepAliveIntervalMs",
    `${PROC}/ipv4/tcp_keepalive_intvl`,
    0,
    1000,
    "net.inet.tcp.keepintvl",
    1,
    KEEPALIVE_ON_WINDOWS,
  ],
  [
    "keepAliveProbes",
    `${PROC}/ipv4/tcp_keepalive_probes`,
    0,
    1,
    "net.inet.tcp.keepcnt",
    1,
    KEEPALIVE_ON_WINDOWS,
  ],
  [
    "ephemeralPortFirst",
    `${PROC}/ipv4/ip_local_port_range`,
    0,
    1,
    "net.inet.ip.portrange.first",
    1,
    PORTS_ON_WINDOWS,
  ],
  [
    "ephemeralPortLast",
    `${PROC}/ipv4/ip_local_port_range`,
    1,
    1,
    "net.inet.ip.portrange.last",
    1,
    PORTS_ON_WINDOWS,
  ],
];

/** Every setting `System.setting()` knows. */
export const SETTINGS: Readonly<Record<SettingName, SettingSpec>> = Object.fromEntries(
  TABLE.map(([name, path, field, scale, sysctl, bsdScale, windows]) => [
    name,
    { linux: { path, field, scale }, bsd: { sysctl, scale: bsdScale }, windows },
  ]),
) as Record<SettingName, SettingSpec>;
