import { parseStrictCidr, parseStrictIp, throttleSubject } from './ip';

describe('strict IP parsing', () => {
  it.each(['10.0.0.1', '0.0.0.0', '203.0.113.7', '::1', '2001:db8::1', '::ffff:1.2.3.4'])(
    'accepts the standard IPv4 or IPv6 text %j',
    (ok) => {
      expect(parseStrictIp(ok)).not.toBeNull();
    },
  );

  it.each([
    '010.0.0.1',
    '0x0a.0.0.1',
    '167772161',
    '10.1',
    '10.0.1',
    '1.2.3.04',
    '::ffff:010.0.0.1',
    'fe80::1%eth0',
    ' 10.0.0.1',
    '',
  ])('refuses the legacy or odd form %j instead of reinterpreting it', (bad) => {
    expect(parseStrictIp(bad)).toBeNull();
  });

  it('parses CIDR ranges strictly', () => {
    expect(parseStrictCidr('10.0.0.0/8')?.[1]).toBe(8);
    expect(parseStrictCidr('2001:db8::/32')?.[1]).toBe(32);
    expect(parseStrictCidr('10.0.0.1')?.[1]).toBe(32);
    for (const bad of ['010.0.0.0/8', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08x', '::/129']) {
      expect(parseStrictCidr(bad)).toBeNull();
    }
  });

  it('groups IPv6 clients by /64 and IPv4-mapped addresses as IPv4', () => {
    expect(throttleSubject('2001:db8:1:2::a')).toBe('2001:db8:1:2::/64');
    expect(throttleSubject('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(throttleSubject('2001:db8:1:3::a')).toBe('2001:db8:1:3::/64');
    expect(throttleSubject('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(throttleSubject('198.51.100.4')).toBe('198.51.100.4');
  });
});
