import { InvalidPayloadError, NotFoundError } from '../errors';

const MAX_PATH_LENGTH = 2048;

/**
 * Matches a route template with `{name}` segments (`/v1/users/{userId}/sessions`) against a raw
 * request path and returns the percent-decoded parameters; undefined when the path does not fit
 * the template. A parameter that is not valid percent-encoding is a 400. Parsed from the raw path
 * (not API Gateway's pathParameters) so every runtime decodes the same way.
 * @example matchRoute('/v1/users/{userId}', '/v1/users/a%40b.example') // { userId: 'a@b.example' }
 */
export function matchRoute(template: string, path: string): Record<string, string> | undefined {
  if (path.length > MAX_PATH_LENGTH) return undefined;
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < expected.length; index += 1) {
    const part = expected[index] ?? '';
    const given = actual[index] ?? '';
    const name = /^\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(part)?.[1];
    if (name === undefined) {
      if (part !== given) return undefined;
      continue;
    }
    if (given.length === 0) return undefined;
    try {
      params[name] = decodeURIComponent(given);
    } catch {
      throw new InvalidPayloadError('Invalid request', { [name]: ['Must be valid percent-encoding'] });
    }
  }
  return params;
}

/**
 * One validated path parameter of the request's route: 404 when the path does not fit the template
 * (it cannot, behind API Gateway), 400 naming the parameter when it fails `valid`.
 * @example pathParameter('/v1/users/u-1/devices', '/v1/users/{userId}/devices', 'userId', isUserId, USER_ID_RULE) // 'u-1'
 */
export function pathParameter(path: string, template: string, name: string, valid: (value: string) => boolean, rule: string): string {
  const params = matchRoute(template, path);
  const value = params?.[name];
  if (params === undefined || value === undefined) throw new NotFoundError();
  if (!valid(value)) throw new InvalidPayloadError('Invalid request', { [name]: [rule] });
  return value;
}
