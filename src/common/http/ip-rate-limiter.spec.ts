import { clientKey, IpRateLimiter } from './ip-rate-limiter';

describe('IpRateLimiter', () => {
  it('allows the limit per window, then says how long to wait, then resets', () => {
    let now = 0;
    const limiter = new IpRateLimiter(3, 60_000, () => now);
    expect([1, 2, 3].map(() => limiter.hit('10.0.0.1'))).toEqual([0, 0, 0]);
    expect(limiter.hit('10.0.0.1')).toBe(60);
    now = 45_000;
    expect(limiter.hit('10.0.0.1')).toBe(15);
    expect(limiter.hit('10.0.0.2')).toBe(0);
    now = 60_000;
    expect(limiter.hit('10.0.0.1')).toBe(0);
  });

  it('counts a whole IPv6 /64 as one client, and IPv4-mapped addresses as IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    const limiter = new IpRateLimiter(2, 60_000, () => 0);
    limiter.hit('2001:db8:1:2::1');
    limiter.hit('2001:db8:1:2::2');
    expect(limiter.hit('2001:db8:1:2::3')).toBeGreaterThan(0);
  });

  it('stays bounded: past its table size, new clients share one window', () => {
    const limiter = new IpRateLimiter(2, 60_000, () => 0, 3);
    for (const ip of ['1.0.0.1', '1.0.0.2', '1.0.0.3']) expect(limiter.hit(ip)).toBe(0);
    expect(limiter.hit('9.9.9.1')).toBe(0);
    expect(limiter.hit('9.9.9.2')).toBe(0);
    expect(limiter.hit('9.9.9.3')).toBeGreaterThan(0);
  });
});
