import type { HttpRequest } from './request';

/** Privacy facts of a request that are stored with its record (and so reach the forwarder). */
export interface RequestFacts {
  /** The Accept-Language header's first language, e.g. `en-US`, when well-formed. */
  readonly language?: string;
  /** The visitor sent `DNT: 1`. */
  readonly dnt: boolean;
  /** The visitor sent `Sec-GPC: 1`. */
  readonly gpc: boolean;
}

/** @example requestFacts(request) // { language: 'en-GB', dnt: false, gpc: false } */
export function requestFacts(request: Pick<HttpRequest, 'headers'>): RequestFacts {
  return {
    language: firstLanguage(request.headers['accept-language']),
    dnt: request.headers.dnt?.trim() === '1',
    gpc: request.headers['sec-gpc']?.trim() === '1',
  };
}

/** @example firstLanguage('en-GB,en;q=0.9') // 'en-GB' */
export function firstLanguage(header: string | undefined): string | undefined {
  const language = header?.split(',')[0]?.split(';')[0]?.trim();
  return language !== undefined && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language) ? language : undefined;
}
