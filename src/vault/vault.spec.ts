import { generateKeyRingEntry, KeyRing } from './key-ring';
import { Vault, VaultError } from './vault';

const v1 = generateKeyRingEntry('v1');
const v2 = generateKeyRingEntry('v2');
const context = 'connection:7d8e0a0c-6b1c-4d4e-9a53-1f0c2b9e8a11:credentials';
const secret = JSON.stringify({ client_id: 'papi-client', client_secret: 'canary-s3cret-ZZZ' });

describe('Vault', () => {
  it('opens what it sealed, with a fresh nonce every time', async () => {
    const vault = await Vault.create(KeyRing.parse(v1));
    const a = vault.seal(secret, context);
    const b = vault.seal(secret, context);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(a).not.toContain('canary');
    expect(vault.open(a, context)).toBe(secret);
  });

  it('refuses a ciphertext moved to another record', async () => {
    const vault = await Vault.create(KeyRing.parse(v1));
    const sealed = vault.seal(secret, context);
    expect(() =>
      vault.open(sealed, 'connection:00000000-0000-4000-8000-000000000000:credentials'),
    ).toThrow(VaultError);
  });

  it('refuses every single-bit change of the nonce or ciphertext', async () => {
    const vault = await Vault.create(KeyRing.parse(v1));
    const sealed = vault.seal(secret, context);
    const [format, version, nonce, ciphertext] = sealed.split('.') as [
      string,
      string,
      string,
      string,
    ];
    const bytes = Buffer.concat([
      Buffer.from(nonce, 'base64url'),
      Buffer.from(ciphertext, 'base64url'),
    ]);
    const nonceLength = Buffer.from(nonce, 'base64url').length;
    let refused = 0;
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = Buffer.from(bytes);
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
      const tampered = [
        format,
        version,
        flipped.subarray(0, nonceLength).toString('base64url'),
        flipped.subarray(nonceLength).toString('base64url'),
      ].join('.');
      expect(() => vault.open(tampered, context)).toThrow(VaultError);
      refused++;
    }
    expect(refused).toBe(bytes.length * 8);
  });

  it('refuses a relabelled key version, an unknown key and a malformed envelope', async () => {
    const vault = await Vault.create(KeyRing.parse(`${v2},${v1}`));
    const sealed = vault.seal(secret, context);
    expect(() => vault.open(sealed.replace('sv1.v2.', 'sv1.v1.'), context)).toThrow(VaultError);
    const other = await Vault.create(KeyRing.parse(generateKeyRingEntry('v2')));
    expect(() => other.open(sealed, context)).toThrow(VaultError);
    for (const bad of ['', 'sv1', 'sv1.v2..', 'xx.v2.a.b', `${sealed}.extra`]) {
      expect(() => vault.open(bad, context)).toThrow(VaultError);
    }
  });

  it('keeps opening old ciphertexts after a rotation and reseals them with the active key', async () => {
    const before = await Vault.create(KeyRing.parse(v1));
    const old = before.seal(secret, context);
    const after = await Vault.create(KeyRing.parse(`${v2},${v1}`));
    expect(after.isStale(old)).toBe(true);
    expect(after.open(old, context)).toBe(secret);
    const resealed = after.reseal(old, context);
    expect(after.isStale(resealed)).toBe(false);
    expect(resealed.startsWith('sv1.v2.')).toBe(true);
    expect(after.open(resealed, context)).toBe(secret);
  });

  it('never puts key material or plaintext in its errors', async () => {
    const vault = await Vault.create(KeyRing.parse(v1));
    const sealed = vault.seal(secret, context);
    let message = '';
    try {
      vault.open(sealed, 'elsewhere');
    } catch (error) {
      message = String(error) + JSON.stringify(error);
    }
    expect(message).toMatch(/cannot be opened/);
    expect(message).not.toContain('canary');
    expect(message).not.toContain(v1.split(':')[1]);
  });

  it('parses key rings strictly', () => {
    expect(() => KeyRing.parse('v1:short')).toThrow(/not "version/);
    expect(() => KeyRing.parse(`${v1},${v1}`)).toThrow(/repeats/);
    expect(KeyRing.parse(`${v2},${v1}`).active.version).toBe('v2');
  });
});
