/**
 * Which IP addresses count as public for the tools that fetch URLs chosen by a model. An IPv6 address
 * that carries an IPv4 address (mapped, NAT64, 6to4, Teredo) is judged by that IPv4 address; the
 * embeddings that are never globally routed (IPv4-compatible, SIIT, NAT64 local-use) and every
 * IPv6 address outside global unicast `2000::/3` are not public.
 */

import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The ipaddr.js IPv6 ranges, inside `2000::/3`, that are not globally reachable (IANA registry). */
const NON_PUBLIC_IPV6_RANGES: ReadonlySet<string> = new Set([
  'benchmarking',
  'amt',
  'as112v6',
  'deprecated',
  'orchid2',
  'droneRemoteIdProtocolEntityTags',
  'reserved',
]);

function isPublicV4(address: ipaddr.IPv4): boolean {
  return address.range() === 'unicast';
}

function v4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function isPublicV6(address: ipaddr.IPv6): boolean {
  const words = address.parts;
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  const upperZero = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  // ::ffff:a.b.c.d (IPv4-mapped) reaches the IPv4 address itself.
  if (upperZero && w5 === 0xffff) return isPublicV4(v4FromWords(w6, w7));
  // 64:ff9b::/96 (NAT64 well-known prefix) reaches the embedded IPv4 address through a translator.
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0) {
    return isPublicV4(v4FromWords(w6, w7));
  }
  // 2002::/16 (6to4) routes to the IPv4 address in bits 16-47.
  if (w0 === 0x2002) return isPublicV4(v4FromWords(w1, w2));
  // 2001::/32 (Teredo): server in bits 32-63, client (bits inverted) in bits 96-127.
  if (w0 === 0x2001 && w1 === 0) {
    return isPublicV4(v4FromWords(w2, w3)) && isPublicV4(v4FromWords(w6 ^ 0xffff, w7 ^ 0xffff));
  }
  // Everything else outside 2000::/3 (::/96 compatible, ::ffff:0:0:0/96 SIIT, 64:ff9b:1::/48
  // local-use NAT64, fc00::/7, fe80::/10, fec0::/10 site-local, ff00::/8, 100::/64, ...) is not public.
  if ((w0 & 0xe000) !== 0x2000) return false;
  // 3fff::/20 is for documentation (RFC 9637).
  if (w0 === 0x3fff && w1 < 0x1000) return false;
  return !NON_PUBLIC_IPV6_RANGES.has(address.range());
}

/**
 * True if `address` is a public unicast address: not loopback, private, link-local, site-local,
 * unique-local, CGNAT, multicast, documentation or otherwise reserved. An IPv6 address embedding an
 * IPv4 address that is globally routed (IPv4-mapped, NAT64 `64:ff9b::/96`, 6to4, Teredo) is judged by
 * that IPv4 address (both of Teredo's); IPv4-compatible, SIIT and local-use NAT64 addresses and
 * everything outside `2000::/3` are not public. Anything that is not a strict IPv4 or IPv6 literal
 * (`01.2.3.4`, `1.2.3`) is not public.
 */
export function isPublicAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4)
    return ipaddr.IPv4.isValidFourPartDecimal(address) && isPublicV4(ipaddr.IPv4.parse(address));
  if (version !== 6) return false;
  // ipaddr.js reads `::a.b.c.d` as IPv4-mapped; the URL parser spells every form as eight hex words.
  let canonical: string;
  try {
    canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return false;
  }
  return ipaddr.IPv6.isValid(canonical) && isPublicV6(ipaddr.IPv6.parse(canonical));
}
