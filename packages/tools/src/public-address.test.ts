import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './public-address.js';

/** IPv4 addresses that are not public, one from each range, and public ones. */
const PRIVATE_V4 = [
  '0.0.0.1',
  '10.0.0.1',
  '100.64.0.1',
  '127.0.0.1',
  '169.254.169.254',
  '172.16.0.1',
  '192.0.0.8',
  '192.0.2.1',
  '192.168.1.1',
  '198.18.0.1',
  '198.51.100.1',
  '203.0.113.1',
  '224.0.0.1',
  '240.0.0.1',
  '255.255.255.255',
];
const PUBLIC_V4 = ['8.8.8.8', '1.1.1.1', '93.184.216.34'];

function hex(v4: string): [string, string] {
  const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

function teredo(server: string, client: string): string {
  const [s1, s2] = hex(server);
  const [c1, c2] = hex(client).map((word) => (Number.parseInt(word, 16) ^ 0xffff).toString(16));
  return `2001:0:${s1}:${s2}:0:0:${c1}:${c2}`;
}

/** Every way an IPv6 address embeds an IPv4 address. */
const EMBEDDINGS: Record<string, (v4: string) => string> = {
  'IPv4-mapped (dotted)': (v4) => `::ffff:${v4}`,
  'IPv4-mapped (hex)': (v4) => `::ffff:${hex(v4).join(':')}`,
  'IPv4-compatible (dotted)': (v4) => `::${v4}`,
  'IPv4-compatible (hex)': (v4) => `::${hex(v4).join(':')}`,
  'IPv4-translated (SIIT)': (v4) => `::ffff:0:${hex(v4).join(':')}`,
  'NAT64 well-known 64:ff9b::/96': (v4) => `64:ff9b::${hex(v4).join(':')}`,
  'NAT64 local-use 64:ff9b:1::/48': (v4) => `64:ff9b:1::${hex(v4).join(':')}`,
  '6to4 2002::/16': (v4) => `2002:${hex(v4).join(':')}::1`,
  'Teredo client': (v4) => teredo('8.8.8.8', v4),
  'Teredo server': (v4) => teredo(v4, '8.8.8.8'),
};

describe('isPublicAddress', () => {
  it.each([
    ['::7f00:1', false],
    ['64:ff9b:1::a00:1', false],
    ['fec0::1', false],
    ['8.8.8.8', true],
    ['2606:4700::1111', true],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::808:808', true],
    ['2002:808:808::1', true],
  ])('%s (from the audit and its counterparts) → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it.each(PRIVATE_V4)('IPv4 %s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(PUBLIC_V4)('IPv4 %s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each(Object.entries(EMBEDDINGS))('%s of every non-public IPv4 address is not public', (_, embed) => {
    for (const v4 of PRIVATE_V4) expect([embed(v4), isPublicAddress(embed(v4))]).toEqual([embed(v4), false]);
  });

  it('judges public IPv4 inside the globally routed embeddings as public, the others never', () => {
    const routed = [
      'IPv4-mapped (dotted)',
      'IPv4-mapped (hex)',
      'NAT64 well-known 64:ff9b::/96',
      '6to4 2002::/16',
    ];
    for (const [name, embed] of Object.entries(EMBEDDINGS)) {
      for (const v4 of PUBLIC_V4) {
        const expected = routed.includes(name) || name.startsWith('Teredo');
        expect([name, embed(v4), isPublicAddress(embed(v4))]).toEqual([name, embed(v4), expected]);
      }
    }
  });

  it.each([
    '::',
    '::1',
    'fe80::1',
    'febf::1',
    'fec0::1',
    'feff::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '100::1',
    '2001:db8::1',
    '2001:2::1',
    '2001:10::1',
    '2001:20::1',
    '3fff::1',
    '5f00::1',
    '4000::1',
    'fe80::1%eth0',
    'not an address',
    '',
    '1.2.3',
    '01.2.3.4',
  ])('IPv6 or invalid %s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
});
