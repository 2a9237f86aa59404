/**
 * Every database column that holds a vault-sealed value, with the context it was sealed
 * under. Rotation walks this list, so a new sealed column must be added here (the vault
 * rotation test fails for a column it cannot find stale values in).
 */
export interface SealedColumn {
  table: string;
  /** Primary key column. */
  key: string;
  column: string;
  context(key: string): string;
}

/** The context each kind of secret is sealed under: it binds the ciphertext to its row. */
export const sealingContext = {
  connectionCredentials: (connectionId: string): string => `connection:${connectionId}:credentials`,
  signingKey: (kid: string): string => `signing-key:${kid}`,
  webhookSecrets: (endpointId: string): string => `webhook-endpoint:${endpointId}:secrets`,
};

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  {
    table: 'connections',
    key: 'id',
    column: 'credentials',
    context: sealingContext.connectionCredentials,
  },
  { table: 'signing_keys', key: 'kid', column: 'private_jwk', context: sealingContext.signingKey },
  {
    table: 'webhook_endpoints',
    key: 'id',
    column: 'secrets',
    context: sealingContext.webhookSecrets,
  },
];
