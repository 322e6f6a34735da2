/**
 * The bridge's target allowlist. A rule is `host:port` (a name or an IPv4 address, matched exactly) or
 * `a.b.c.d/nn:port` (an IPv4 network). No wildcards for ports: every reachable service is named.
 * A target is allowed when a rule matches its name as written or the IPv4 address it resolves to; the
 * bridge then connects to that checked address, so a name cannot resolve to something else in between.
 */

export type AllowRule =
  | { kind: 'host'; host: string; port: number; text: string }
  | { kind: 'cidr'; network: number; prefix: number; port: number; text: string };

export interface Target {
  host: string;
  port: number;
}

export function parseIPv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255 || (m[i].length > 1 && m[i].startsWith('0'))) return undefined;
    v = v * 256 + octet;
  }
  return v >>> 0;
}

function parsePort(s: string, what: string): number {
  if (!/^\d{1,5}$/.test(s)) throw new Error(`${what}: the port must be a number 1..65535, not "${s}"`);
  const port = Number(s);
  if (port < 1 || port > 65535) throw new Error(`${what}: the port must be 1..65535, not ${port}`);
  return port;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * A DNS name, not something a resolver might read as an address in another notation (`010.1.1.1` is
 * octal to inet_aton, `0x7f.1` hex): the last label must hold a letter and not look like hex.
 */
function isHostName(host: string): boolean {
  if (!HOST_NAME.test(host)) return false;
  const last = host.slice(host.lastIndexOf('.') + 1);
  return /[a-z]/.test(last) && !/^0x[0-9a-f]*$/.test(last);
}

/** `host:port` -> Target. IPv4 addresses and DNS names; no IPv6 (brackets are refused). */
export function parseTarget(s: string): Target {
  const i = s.lastIndexOf(':');
  if (i <= 0) throw new Error(`target "${s}" is not host:port`);
  const host = s.slice(0, i).toLowerCase();
  const port = parsePort(s.slice(i + 1), `target "${s}"`);
  if (parseIPv4(host) === undefined && !isHostName(host)) throw new Error(`target "${s}": "${host}" is not an IPv4 address or host name`);
  return { host, port };
}

/** Parse one --allow value; throws with a sentence saying what is wrong. */
export function parseAllowRule(s: string): AllowRule {
  const text = s.trim();
  const slash = text.indexOf('/');
  if (slash < 0) {
    const t = parseTarget(text);
    return { kind: 'host', host: t.host, port: t.port, text };
  }
  const i = text.lastIndexOf(':');
  if (i < slash) throw new Error(`allow rule "${s}" is not cidr:port (e.g. 192.168.1.0/24:4059)`);
  const addr = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1, i);
  if (addr === undefined) throw new Error(`allow rule "${s}": "${text.slice(0, slash)}" is not an IPv4 address`);
  if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) throw new Error(`allow rule "${s}": the prefix length must be 0..32`);
  const prefix = Number(prefixText);
  const port = parsePort(text.slice(i + 1), `allow rule "${s}"`);
  return { kind: 'cidr', network: (addr & maskOf(prefix)) >>> 0, prefix, port, text };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Does `rule` allow `target`, reached at the resolved IPv4 `address`? */
export function ruleAllows(rule: AllowRule, target: Target, address: string): boolean {
  if (rule.port !== target.port) return false;
  if (rule.kind === 'host') return rule.host === target.host || rule.host === address;
  const ip = parseIPv4(address);
  return ip !== undefined && ((ip & maskOf(rule.prefix)) >>> 0) === rule.network;
}

export function isAllowed(rules: readonly AllowRule[], target: Target, address: string): AllowRule | undefined {
  return rules.find((r) => ruleAllows(r, target, address));
}
