import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where webhooks may be sent: only public unicast addresses, unless the admin allowlisted the
 * host (WEBHOOK_ALLOW_HOSTS). A webhook URL is admin input that the server then requests on
 * its own, from inside the jail's network: without this, it reaches the database port, the
 * cloud metadata service (169.254.169.254), routers and other internal services (SSRF).
 */

/** Why a target was refused; the message never repeats the URL (it may carry secrets). */
export class WebhookTargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetRefused';
  }
}

/**
 * Whether an address is one a webhook may reach: IPv4 unicast outside every special range
 * (loopback, private, link-local, CGNAT, multicast, unspecified, broadcast, reserved, ...), or
 * IPv6 global unicast (2000::/3) outside the special ranges, IPv4-mapped ones judged as IPv4.
 */
export function publicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (ip.range() !== 'unicast') return false;
  // Everything outside 2000::/3 is unassigned or special (IPv4-compatible ::a.b.c.d among them).
  return ip.kind() === 'ipv4' || ip.match(ipaddr.parseCIDR('2000::/3'));
}

/** WEBHOOK_ALLOW_HOSTS: host names or IP literals, lower case, brackets of IPv6 literals removed. */
export function parseAllowHosts(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((h) => normalHost(h.trim()))
    .filter((h) => h.length > 0);
}

function normalHost(host: string): string {
  const h = host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  // One spelling per address, so "::1", "0:0::1" and "[::1]" all name the same one.
  return ipaddr.isValid(h) ? ipaddr.parse(h).toString() : h;
}

export class WebhookTargets {
  private readonly allowed: Set<string>;

  constructor(allowHosts: readonly string[]) {
    this.allowed = new Set(allowHosts.map(normalHost));
  }

  /** The URL's host as Node connects to it (WHATWG parsing has already turned 2130706433 into 127.0.0.1). */
  static host(url: URL): string {
    return normalHost(url.hostname);
  }

  allowlisted(url: URL): boolean {
    return this.allowed.has(WebhookTargets.host(url));
  }

  /** Resolve the URL's host and refuse it if any of its addresses may not be reached. */
  async check(url: URL): Promise<void> {
    if (url.username || url.password) throw new WebhookTargetRefused('must not carry credentials (user:password@); put the shared secret in "secret"');
    if (this.allowlisted(url)) return;
    const host = WebhookTargets.host(url);
    const addresses = ipaddr.isValid(host) ? [host] : await resolveAll(host);
    if (addresses.some((a) => !publicAddress(a))) throw refusedAddress();
  }

  /**
   * A DNS lookup for http.request that refuses an address that may not be reached: the check
   * and the connection use the same answer, so a name that resolves to a public address when
   * checked and to a private one when connecting (DNS rebinding) is still refused.
   */
  lookupFor(url: URL): LookupFunction | undefined {
    if (this.allowlisted(url)) return undefined;
    return (hostname: string, options: { all?: boolean }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        if (addresses.length === 0 || addresses.some((a) => !publicAddress(a.address))) return callback(refusedAddress(), '', 0);
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      });
    };
  }
}

function refusedAddress(): WebhookTargetRefused {
  return new WebhookTargetRefused('its host is or resolves to a loopback, private, link-local, shared, multicast or reserved address; an admin may allow the host in WEBHOOK_ALLOW_HOSTS');
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) => (err ? reject(new WebhookTargetRefused('its host could not be resolved')) : resolve(addresses.map((a) => a.address)))),
  );
}
