/** First-touch attribution of a session, taken from its first recorded request and never overwritten. */
export interface FirstTouch {
  readonly landingUrl?: string;
  readonly referrer?: string;
  readonly utmSource?: string;
  readonly utmMedium?: string;
  readonly utmCampaign?: string;
  readonly utmTerm?: string;
  readonly utmContent?: string;
  readonly gclid?: string;
  readonly fbclid?: string;
}

const PARAMS: Record<string, keyof FirstTouch> = {
  utm_source: 'utmSource',
  utm_medium: 'utmMedium',
  utm_campaign: 'utmCampaign',
  utm_term: 'utmTerm',
  utm_content: 'utmContent',
  gclid: 'gclid',
  fbclid: 'fbclid',
};

const PARAM_CAP = 200;

/**
 * @example firstTouch('https://s.example/?utm_source=news', 'https://ref.example/') // { landingUrl, referrer, utmSource: 'news' }
 */
export function firstTouch(landingUrl: string | undefined, referrer: string | undefined): FirstTouch {
  const touch: Record<string, string> = {};
  if (landingUrl !== undefined) {
    touch.landingUrl = landingUrl;
    try {
      const params = new URL(landingUrl).searchParams;
      for (const [param, field] of Object.entries(PARAMS)) {
        const value = params.get(param);
        if (value !== null && value.length > 0) touch[field] = value.slice(0, PARAM_CAP);
      }
    } catch {
      // A landing URL that does not parse simply carries no campaign parameters.
    }
  }
  if (referrer !== undefined && referrer.length > 0) touch.referrer = referrer.slice(0, 2048);
  return touch;
}
