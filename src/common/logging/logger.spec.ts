import { maskSecretsInUrl } from './logger';

describe('maskSecretsInUrl', () => {
  it('masks the token of a connect link, whatever the case, and nothing else', () => {
    expect(maskSecretsInUrl('/connect/abcDEF123_-x?y=1')).toBe('/connect/[redacted]?y=1');
    expect(maskSecretsInUrl('/CONNECT/abcDEF123')).toBe('/connect/[redacted]');
    expect(maskSecretsInUrl('/v1/connect/sessions')).toBe('/v1/connect/sessions');
    expect(maskSecretsInUrl('/health/live')).toBe('/health/live');
  });
});
