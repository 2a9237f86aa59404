/**
 * Authenticated encryption of every secret the gateway keeps (Personio credentials, signing
 * keys, webhook secrets): libsodium XChaCha20-Poly1305-IETF with a random 24-byte nonce per
 * seal. The additional data binds a ciphertext to its key version and to the record it belongs
 * to (e.g. "connection:<id>:credentials"), so a ciphertext copied to another row fails to open.
 *
 * Envelope (stored as text): "sv1.<key version>.<nonce b64url>.<ciphertext b64url>".
 * Opening failures say nothing about why (tampered, moved, unknown key): callers treat them
 * alike, and no error ever carries plaintext or key material.
 */
import sodium from 'libsodium-wrappers';
import { type KeyRing } from './key-ring';

const FORMAT = 'sv1';

export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

/** What a sealed value belongs to; it must be given again, identically, to open it. */
export type VaultContext = string;

export class Vault {
  private constructor(private readonly ring: KeyRing) {}

  /** libsodium initialises its WebAssembly once; every Vault waits for it. */
  static async create(ring: KeyRing): Promise<Vault> {
    await sodium.ready;
    return new Vault(ring);
  }

  get activeVersion(): string {
    return this.ring.active.version;
  }

  seal(plaintext: string, context: VaultContext): string {
    const { version, key } = this.ring.active;
    const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      sodium.from_string(plaintext),
      additionalData(version, context),
      null,
      nonce,
      key,
    );
    return [FORMAT, version, toBase64Url(nonce), toBase64Url(ciphertext)].join('.');
  }

  open(envelope: string, context: VaultContext): string {
    const parts = envelope.split('.');
    const [format, version, nonceText, ciphertextText] = parts;
    const key = version === undefined ? undefined : this.ring.find(version);
    if (parts.length !== 4 || format !== FORMAT || !key || !nonceText || !ciphertextText) {
      throw new VaultError('sealed value cannot be opened');
    }
    try {
      const plaintext = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        fromBase64Url(ciphertextText),
        additionalData(key.version, context),
        fromBase64Url(nonceText),
        key.key,
      );
      return sodium.to_string(plaintext);
    } catch {
      throw new VaultError('sealed value cannot be opened');
    }
  }

  /** True when the value was sealed with a key other than the active one. */
  isStale(envelope: string): boolean {
    return envelope.split('.')[1] !== this.ring.active.version;
  }

  /** Opens with whatever key sealed it and seals again with the active key. */
  reseal(envelope: string, context: VaultContext): string {
    return this.seal(this.open(envelope, context), context);
  }
}

function additionalData(version: string, context: VaultContext): Uint8Array {
  return sodium.from_string(`hris-gateway|${FORMAT}|${version}|${context}`);
}

function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function fromBase64Url(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}
