/**
 * An endpoint's signing secrets as stored: newest first, each with the instant it stops being
 * used (null: current). Sealed by the vault as one value, so a rotation's old and new secret
 * change together and the vault's re-keying walks one column.
 */
import { Injectable } from '@nestjs/common';
import { sealingContext } from '../vault/sealed-columns';
import { Vault } from '../vault/vault';
import { generateWebhookSecret } from './webhook-secret';

export interface StoredSecret {
  secret: string;
  /** ISO instant after which this secret no longer signs; null for the current one. */
  expires_at: string | null;
}

export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 3_600;
export const MAX_ROTATION_GRACE_SECONDS = 7 * 24 * 3_600;

@Injectable()
export class WebhookSecrets {
  constructor(private readonly vault: Vault) {}

  /** A fresh list for a new endpoint, and the secret to show its owner once. */
  create(endpointId: string): { sealed: string; secret: string } {
    const secret = generateWebhookSecret();
    return { sealed: this.seal(endpointId, [{ secret, expires_at: null }]), secret };
  }

  /**
   * Rotation: a new current secret; the old current one keeps signing until `now + grace`.
   * Secrets already past their grace are dropped, so at most two are ever kept and signed with.
   */
  rotate(
    endpointId: string,
    sealed: string,
    now: Date,
    graceSeconds: number,
  ): { sealed: string; secret: string; previousExpiresAt: Date | null } {
    const secret = generateWebhookSecret();
    const current = this.open(endpointId, sealed).find((s) => s.expires_at === null);
    const previousExpiresAt =
      current && graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null;
    const kept: StoredSecret[] = [{ secret, expires_at: null }];
    if (current && previousExpiresAt) {
      kept.push({ secret: current.secret, expires_at: previousExpiresAt.toISOString() });
    }
    return { sealed: this.seal(endpointId, kept), secret, previousExpiresAt };
  }

  /** The secrets that sign a delivery sent at `now`, newest first. */
  signingSecrets(endpointId: string, sealed: string, now: Date): string[] {
    return this.open(endpointId, sealed)
      .filter((s) => s.expires_at === null || Date.parse(s.expires_at) > now.getTime())
      .map((s) => s.secret);
  }

  /** When the previous secret stops signing, if a rotation's grace period is running. */
  previousExpiresAt(endpointId: string, sealed: string, now: Date): Date | null {
    const previous = this.open(endpointId, sealed).find(
      (s) => s.expires_at !== null && Date.parse(s.expires_at) > now.getTime(),
    );
    return previous?.expires_at ? new Date(previous.expires_at) : null;
  }

  private seal(endpointId: string, secrets: StoredSecret[]): string {
    return this.vault.seal(JSON.stringify(secrets), sealingContext.webhookSecrets(endpointId));
  }

  private open(endpointId: string, sealed: string): StoredSecret[] {
    return JSON.parse(
      this.vault.open(sealed, sealingContext.webhookSecrets(endpointId)),
    ) as StoredSecret[];
  }
}
