import { botSignal } from '../../../../layers/core/src/edge/bot-signal';
import { CHROME_NAVIGATION_HEADERS } from '../../../helpers/cloudfront';

describe('botSignal()', () => {
  it('passes a browser navigation', () => {
    expect(botSignal({ ...CHROME_NAVIGATION_HEADERS })).toBeUndefined();
  });

  it('flags known bots and a missing user agent by the regional API\'s own rule', () => {
    expect(botSignal({ ...CHROME_NAVIGATION_HEADERS, 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' })).toBe('user-agent');
    expect(botSignal({ ...CHROME_NAVIGATION_HEADERS, 'user-agent': 'curl/8.5.0' })).toBe('user-agent');
    expect(botSignal({ ...CHROME_NAVIGATION_HEADERS, 'user-agent': '' })).toBe('user-agent');
  });

  it('flags a browser user agent without Accept-Language or Accept', () => {
    const { 'accept-language': _language, ...noLanguage } = CHROME_NAVIGATION_HEADERS;
    const { accept: _accept, ...noAccept } = CHROME_NAVIGATION_HEADERS;
    expect(botSignal(noLanguage)).toBe('no-accept-language');
    expect(botSignal(noAccept)).toBe('no-accept');
  });

  it('takes a header as sent when the caller knows it was, even without its value', () => {
    const { 'accept-language': _language, ...cut } = CHROME_NAVIGATION_HEADERS;
    expect(botSignal(cut, (name) => name === 'accept-language' || name in cut)).toBeUndefined();
  });
});
