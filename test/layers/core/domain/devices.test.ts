import { deviceSightings } from '../../../../layers/core/src/domain/devices';
import { describeUserAgent } from '../../../../layers/core/src/domain/user-agent';
import { pageRecord, requestRecord } from '../store/table-fixture';

describe('deviceSightings()', () => {
  it('shows the request fingerprint and, for a browser report, the visitorId', () => {
    const page = pageRecord();
    expect(deviceSightings(page)).toEqual([
      expect.objectContaining({ kind: 'request', id: page.fingerprint?.id, version: 1, firstSeen: page.at.toISOString(), lastSeen: page.at.toISOString(), country: 'DE' }),
      expect.objectContaining({ kind: 'browser', id: page.visitorId }),
    ]);
    expect(deviceSightings(requestRecord()).map((sighting) => sighting.kind)).toEqual(['request']);
  });

  it('shows nothing for an anonymous (GPC) record', () => {
    expect(deviceSightings(pageRecord({ visitorId: undefined, fingerprint: undefined, signals: undefined, gpc: true }))).toEqual([]);
  });
});

describe('describeUserAgent()', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge', 'Windows', 'desktop'],
    ['Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Mobile Safari', 'iOS', 'tablet'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome', 'Android', 'mobile'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'Safari', 'Mac OS', 'desktop'],
    ['Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36', 'Samsung Internet', 'Tizen', 'smarttv'],
  ])('reads %s', (userAgent, browser, os, deviceType) => {
    const summary = describeUserAgent(userAgent);
    expect(summary.browser?.name).toBe(browser);
    expect(summary.os?.name).toBe(os);
    expect(summary.deviceType).toBe(deviceType);
  });

  it('answers nothing for no user agent and survives garbage', () => {
    expect(describeUserAgent(undefined)).toEqual({});
    expect(describeUserAgent('')).toEqual({});
    expect(describeUserAgent('\u0000<script>'.repeat(200))).toEqual({ browser: undefined, os: undefined, deviceType: 'desktop' });
  });
});
