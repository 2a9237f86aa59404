/**
 * The vault's keys: a ring of named 32-byte keys, the first one active (used to seal), the
 * others kept to open what was sealed before a rotation. In development, without VAULT_KEYS,
 * a key is generated once into DATA_DIR/vault-keys (mode 0600) with a loud warning; config
 * refuses production without VAULT_KEYS.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppConfig } from '../config/app-config';

export const VAULT_KEY_BYTES = 32;

export interface VaultKey {
  version: string;
  key: Uint8Array;
}

export class KeyRing {
  constructor(readonly keys: readonly VaultKey[]) {
    if (keys.length === 0) throw new Error('the vault key ring is empty');
    const versions = new Set(keys.map((k) => k.version));
    if (versions.size !== keys.length) throw new Error('the vault key ring repeats a key version');
  }

  get active(): VaultKey {
    return this.keys[0] as VaultKey;
  }

  find(version: string): VaultKey | undefined {
    return this.keys.find((k) => k.version === version);
  }

  /** Parses "v2:base64,v1:base64"; errors never include key material. */
  static parse(ring: string): KeyRing {
    return new KeyRing(
      ring.split(',').map((entry, index) => {
        const [version, encoded] = entry.trim().split(':');
        const key = Buffer.from(encoded ?? '', 'base64');
        if (!version || key.length !== VAULT_KEY_BYTES) {
          throw new Error(
            `vault key #${index + 1} is not "version:<base64 of ${VAULT_KEY_BYTES} bytes>"`,
          );
        }
        return { version, key: new Uint8Array(key) };
      }),
    );
  }
}

export function generateKeyRingEntry(version: string): string {
  return `${version}:${randomBytes(VAULT_KEY_BYTES).toString('base64')}`;
}

/** The configured ring, or the development key file (created on first use). */
export function loadKeyRing(config: AppConfig, warn: (message: string) => void): KeyRing {
  if (config.vaultKeys) return KeyRing.parse(config.vaultKeys);
  const file = join(config.dataDir, 'vault-keys');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${generateKeyRingEntry('dev1')}\n`, { mode: 0o600 });
  }
  warn(
    `VAULT_KEYS is not set: secrets are encrypted with a DEVELOPMENT key from ${file}. ` +
      'Anyone with that file can decrypt them. Set VAULT_KEYS in any real deployment.',
  );
  return KeyRing.parse(readFileSync(file, 'utf8').trim());
}
