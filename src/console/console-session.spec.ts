import { ConsoleSessions, SESSION_TTL_MS } from './console-session';

const TOKEN = 'admin-token-for-the-console-spec-0123456789';

describe('ConsoleSessions', () => {
  it('is closed without an admin token: no login, no session', () => {
    const closed = new ConsoleSessions(undefined);
    expect(closed.open).toBe(false);
    expect(closed.checkAdminToken('')).toBe(false);
    expect(closed.checkAdminToken(TOKEN)).toBe(false);
    expect(closed.verify(new ConsoleSessions(TOKEN).issue())).toBeNull();
  });

  it('accepts exactly the admin token', () => {
    const sessions = new ConsoleSessions(TOKEN);
    expect(sessions.checkAdminToken(TOKEN)).toBe(true);
    expect(sessions.checkAdminToken(`${TOKEN}x`)).toBe(false);
    expect(sessions.checkAdminToken(TOKEN.slice(0, -1))).toBe(false);
    expect(sessions.checkAdminToken('')).toBe(false);
  });

  it('issues opaque sessions that hold nothing of the token and expire', () => {
    let now = 1_000_000;
    const sessions = new ConsoleSessions(TOKEN, () => now);
    const cookie = sessions.issue();
    expect(cookie).not.toContain(TOKEN.slice(0, 8));
    expect(cookie).toMatch(/^v1\.\d+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sessions.verify(cookie)).toMatchObject({ expiresAt: now + SESSION_TTL_MS });
    now += SESSION_TTL_MS;
    expect(sessions.verify(cookie)).toBeNull();
  });

  it('refuses a tampered session, one of another admin token, and a logged-out one', () => {
    const sessions = new ConsoleSessions(TOKEN);
    const cookie = sessions.issue();
    const [v, expires, id, mac] = cookie.split('.') as [string, string, string, string];
    expect(sessions.verify(`${v}.${Number(expires) + 1}.${id}.${mac}`)).toBeNull();
    expect(sessions.verify(`${v}.${expires}.${id}x.${mac}`)).toBeNull();
    expect(sessions.verify(new ConsoleSessions(`${TOKEN}-rotated`).issue())).toBeNull();
    expect(sessions.verify('garbage')).toBeNull();
    const session = sessions.verify(cookie)!;
    sessions.revoke(session);
    expect(sessions.verify(cookie)).toBeNull();
  });

  it('binds form tokens to their session', () => {
    const sessions = new ConsoleSessions(TOKEN);
    const mine = sessions.verify(sessions.issue())!;
    const other = sessions.verify(sessions.issue())!;
    const token = sessions.formToken(mine);
    expect(sessions.checkFormToken(mine, token)).toBe(true);
    expect(sessions.checkFormToken(other, token)).toBe(false);
    expect(sessions.checkFormToken(mine, undefined)).toBe(false);
    expect(sessions.checkFormToken(mine, `${token}x`)).toBe(false);
  });

  it('signs flash values and refuses altered ones', () => {
    const sessions = new ConsoleSessions(TOKEN);
    const signed = sessions.sign('{"kind":"ok","text":"done"}');
    expect(sessions.unsign(signed)).toBe('{"kind":"ok","text":"done"}');
    const forged = `${Buffer.from('{"kind":"error","text":"x"}').toString('base64url')}.${signed.split('.')[1]}`;
    expect(sessions.unsign(forged)).toBeNull();
  });
});
