import { loadConfig } from '../../../layers/core/src/config';
import { ConfigError } from '../../../layers/core/src/errors';

const BASE = { EDGEPRINT_TABLE: 'edgeprint-test', EDGEPRINT_SECRET: 'a-secret-of-sixteen-chars' };

describe('loadConfig()', () => {
  describe('fingerprint secret', () => {
    it('starts without EDGEPRINT_SECRET (functions that never hash), and refuses to hand out a missing key', () => {
      const { EDGEPRINT_SECRET: _secret, ...withoutSecret } = BASE;
      const config = loadConfig(withoutSecret);
      expect(config.tableName).toBe('edgeprint-test');
      expect(() => config.fingerprintSecret).toThrow(/EDGEPRINT_SECRET .* is not set for this function/);
      // Spreading or serializing the config (logs) must not trip the guard.
      expect(JSON.stringify({ ...config })).not.toContain('fingerprintSecret');
    });

    it('gives the secret when set, and still refuses one under 16 characters', () => {
      expect(loadConfig(BASE).fingerprintSecret).toBe(BASE.EDGEPRINT_SECRET);
      expect(() => loadConfig({ ...BASE, EDGEPRINT_SECRET: 'short' })).toThrow(/at least 16 characters/);
    });
  });

  describe('retention', () => {
    it('defaults to 13 months for identifiers and 25 months for analytics data', () => {
      expect(loadConfig(BASE).retention).toEqual({ sessions: 395, fingerprints: 395, markers: 395, devices: 395, events: 760, activity: 760 });
      expect(loadConfig(BASE).retentionDays).toBe(395);
    });

    it('takes EDGEPRINT_RETENTION_DAYS for the identifiers, and a per-type variable over any default', () => {
      const config = loadConfig({ ...BASE, EDGEPRINT_RETENTION_DAYS: '90', EDGEPRINT_RETENTION_ACTIVITY_DAYS: '30', EDGEPRINT_RETENTION_MARKERS_DAYS: '7' });
      expect(config.retention).toEqual({ sessions: 90, fingerprints: 90, markers: 7, devices: 90, events: 760, activity: 30 });
    });

    it.each(['0', '761', '1.5', 'forever', '-3'])('refuses %j with a message naming the variable', (value) => {
      expect(() => loadConfig({ ...BASE, EDGEPRINT_RETENTION_EVENTS_DAYS: value })).toThrow(/EDGEPRINT_RETENTION_EVENTS_DAYS/);
    });
  });

  it('reads the privacy mode, JA4 flag and API key', () => {
    expect(loadConfig(BASE)).toMatchObject({ privacyMode: 'cookie', fingerprintJa4: false, apiKey: undefined, jwt: undefined });
    const config = loadConfig({ ...BASE, EDGEPRINT_PRIVACY_MODE: 'cookieless', EDGEPRINT_FINGERPRINT_JA4: 'true', EDGEPRINT_API_KEY: 'k'.repeat(24) });
    expect(config).toMatchObject({ privacyMode: 'cookieless', fingerprintJa4: true, apiKey: 'k'.repeat(24) });
    expect(() => loadConfig({ ...BASE, EDGEPRINT_PRIVACY_MODE: 'fingerprint-everyone' })).toThrow(/EDGEPRINT_PRIVACY_MODE/);
    expect(() => loadConfig({ ...BASE, EDGEPRINT_FINGERPRINT_JA4: 'yes' })).toThrow(/EDGEPRINT_FINGERPRINT_JA4/);
    expect(() => loadConfig({ ...BASE, EDGEPRINT_API_KEY: 'short' })).toThrow(/EDGEPRINT_API_KEY must be at least 16/);
  });

  describe('bearer tokens', () => {
    it('reads a JWKS URL with issuer and audiences, or a shared secret', () => {
      expect(loadConfig({ ...BASE, EDGEPRINT_JWT_JWKS_URL: 'https://id.example/.well-known/jwks.json', EDGEPRINT_JWT_ISSUER: 'https://id.example/', EDGEPRINT_JWT_AUDIENCE: 'a, b' }).jwt).toEqual({
        jwksUrl: 'https://id.example/.well-known/jwks.json',
        secret: undefined,
        issuer: 'https://id.example/',
        audience: ['a', 'b'],
      });
      expect(loadConfig({ ...BASE, EDGEPRINT_JWT_SECRET: 's'.repeat(32) }).jwt).toMatchObject({ secret: 's'.repeat(32), jwksUrl: undefined });
    });

    it('allows plain http for the JWKS only on loopback', () => {
      expect(loadConfig({ ...BASE, EDGEPRINT_JWT_JWKS_URL: 'http://127.0.0.1:8080/jwks.json' }).jwt?.jwksUrl).toBe('http://127.0.0.1:8080/jwks.json');
      expect(() => loadConfig({ ...BASE, EDGEPRINT_JWT_JWKS_URL: 'http://id.example/jwks.json' })).toThrow(ConfigError);
    });

    it('refuses a shared secret shorter than an HS256 key', () => {
      expect(() => loadConfig({ ...BASE, EDGEPRINT_JWT_SECRET: 'too-short' })).toThrow(/EDGEPRINT_JWT_SECRET must be at least 32/);
    });
  });
});
