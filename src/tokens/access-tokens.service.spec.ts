import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { loadConfig } from '../config/app-config';
import { AccessTokensService } from './access-tokens.service';
import { type SigningKeysService } from './signing-keys.service';
import { ACCESS_TOKEN_TTL_SECONDS, CLOCK_SKEW_SECONDS } from './token-policy';

const APPLICATION = '0b3c7e0e-8f7a-4b1e-9c55-0d6f3a2b1c9d';

/** One Ed25519 key under one kid, counting how often verification asks for it. */
async function keyRing(): Promise<{ keys: SigningKeysService; lookups: () => number }> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  let lookups = 0;
  const keys = {
    signingKey: () => Promise.resolve({ kid: 'k1', privateKey }),
    verificationKey: (kid: string) => {
      lookups += 1;
      return Promise.resolve(kid === 'k1' ? publicKey : undefined);
    },
    jwks: async () => ({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' } as JWK] }),
  } as unknown as SigningKeysService;
  return { keys, lookups: () => lookups };
}

describe('AccessTokensService.verify', () => {
  const config = loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3000' });

  afterEach(() => jest.useRealTimers());

  async function serviceWithToken(): Promise<{
    service: AccessTokensService;
    token: string;
    lookups: () => number;
  }> {
    const { keys, lookups } = await keyRing();
    const service = new AccessTokensService(keys, config);
    const { token } = await service.issue({
      applicationId: APPLICATION,
      scopes: ['hris.employees:read'],
      tokenVersion: 1,
    });
    return { service, token, lookups };
  }

  it('verifies a token once and then remembers it, handing out copies', async () => {
    const { service, token, lookups } = await serviceWithToken();
    const first = await service.verify(token);
    expect(first).toMatchObject({ applicationId: APPLICATION, scopes: ['hris.employees:read'] });
    first.scopes.push('sync:write');
    const second = await service.verify(token);
    expect(second.scopes).toEqual(['hris.employees:read']);
    second.scopes.push('sync:write');
    expect((await service.verify(token)).scopes).toEqual(['hris.employees:read']);
    expect(lookups()).toBe(1);

    // One changed signature character is another token: verified in full, and refused. The
    // first character: all six of its bits are signature (the last one's low bits are padding).
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const tampered = `${header}.${payload}.${flipped}`;
    await expect(service.verify(tampered)).rejects.toThrow('the token is not valid');
    expect(lookups()).toBe(2);
  });

  it('never accepts a remembered token past its expiry (plus the usual clock skew)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const start = Date.now();
    const { service, token, lookups } = await serviceWithToken();
    await service.verify(token);
    jest.setSystemTime(start + (ACCESS_TOKEN_TTL_SECONDS - 1) * 1000);
    await service.verify(token);
    expect(lookups()).toBe(1);
    // Past exp the cache lets go; verification still tolerates the clock skew, then refuses.
    jest.setSystemTime(start + (ACCESS_TOKEN_TTL_SECONDS + 1) * 1000);
    await service.verify(token);
    expect(lookups()).toBe(2);
    jest.setSystemTime(start + (ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS + 2) * 1000);
    await expect(service.verify(token)).rejects.toThrow('the token has expired');
  });
});
