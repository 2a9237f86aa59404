/**
 * CI gate for connector manifests: every registered manifest validates against the manifest
 * schema (ajv, JSON Schema 2020-12), and the schema itself rejects a broken manifest.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MANIFEST_SCHEMA } from './manifest.schema';
import { CONNECTORS, connectorByName } from './registry';

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(MANIFEST_SCHEMA);
}

describe('connector registry', () => {
  it('lists each connector once, by a unique name', () => {
    const names = CONNECTORS.map((c) => c.manifest.name);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
    expect(connectorByName('personio')?.manifest.displayName).toBe('Personio');
  });

  it.each(CONNECTORS.map((c) => [c.manifest.name, c.manifest] as const))(
    'manifest of %s matches the schema',
    (_name, manifest) => {
      const validate = validator();
      const ok = validate(manifest);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
      // Secret fields must be credential fields, or the vault would not know to encrypt them.
      for (const secret of manifest.secretFields)
        expect(manifest.credentialFields).toContain(secret);
    },
  );

  it('the schema rejects a manifest with a plain-http base URL and a bucket without a refill', () => {
    const validate = validator();
    const broken = {
      ...CONNECTORS[0]?.manifest,
      baseUrl: 'http://api.example.com',
      rateLimits: [{ name: 'x', appliesTo: '*', per: 'ip', kind: 'bucket', capacity: 1 }],
    };
    expect(validate(broken)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toContain('/baseUrl');
    expect(paths.some((p) => p.startsWith('/rateLimits/0'))).toBe(true);
  });

  it('creates a connector from configuration alone', async () => {
    const personio = connectorByName('personio');
    const connector = personio?.create({ baseUrl: 'http://127.0.0.1:9' });
    expect(connector?.manifest.name).toBe('personio');
    await connector?.close();
  });
});
