import { firstTouch } from '../../../../layers/core/src/domain/attribution';

describe('firstTouch()', () => {
  it('takes the landing URL, referrer and every campaign parameter', () => {
    const landing =
      'https://site.example/land?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=banner&gclid=G1&fbclid=F1&other=x';
    expect(firstTouch(landing, 'https://ref.example/post')).toEqual({
      landingUrl: landing,
      referrer: 'https://ref.example/post',
      utmSource: 'news',
      utmMedium: 'email',
      utmCampaign: 'spring',
      utmTerm: 'shoes',
      utmContent: 'banner',
      gclid: 'G1',
      fbclid: 'F1',
    });
  });

  it('keeps only the landing URL when there are no campaign parameters', () => {
    expect(firstTouch('https://site.example/', undefined)).toEqual({ landingUrl: 'https://site.example/' });
  });

  it('decodes parameter values and skips empty ones', () => {
    expect(firstTouch('https://site.example/?utm_source=a%20b&utm_medium=&gclid', undefined)).toEqual({
      landingUrl: 'https://site.example/?utm_source=a%20b&utm_medium=&gclid',
      utmSource: 'a b',
    });
  });

  it('takes the first of repeated parameters', () => {
    expect(firstTouch('https://site.example/?utm_source=one&utm_source=two', undefined).utmSource).toBe('one');
  });

  it('does not read campaign parameters from the fragment', () => {
    expect(firstTouch('https://site.example/#utm_source=x', undefined)).toEqual({ landingUrl: 'https://site.example/#utm_source=x' });
  });

  it('caps parameter values at 200 characters and the referrer at 2048', () => {
    const touch = firstTouch(`https://site.example/?utm_campaign=${'c'.repeat(500)}`, `https://ref.example/${'r'.repeat(3000)}`);
    expect(touch.utmCampaign).toBe('c'.repeat(200));
    expect(touch.referrer).toHaveLength(2048);
  });

  it('keeps a landing URL that does not parse but reads no parameters from it', () => {
    expect(firstTouch('not a url?utm_source=x', undefined)).toEqual({ landingUrl: 'not a url?utm_source=x' });
  });

  it('leaves out an empty referrer and a missing landing URL', () => {
    expect(firstTouch(undefined, '')).toEqual({});
    expect(firstTouch(undefined, 'https://ref.example/')).toEqual({ referrer: 'https://ref.example/' });
  });
});
