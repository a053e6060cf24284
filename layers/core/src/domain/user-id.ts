/**
 * A user id as a site's backend names its users: 1 to 128 characters of letters, digits and
 * `._:@+=|-` (UUIDs, numbers, e-mail addresses, `tenant:id`). Nothing that needs escaping in a key,
 * a URL path segment or JSON.
 */
export const USER_ID_PATTERN = /^[A-Za-z0-9._:@+=|-]{1,128}$/;

export const USER_ID_RULE = 'Must be 1 to 128 characters of A-Z, a-z, 0-9 or ._:@+=|-';

/** @example isUserId('user-42') // true */
export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && USER_ID_PATTERN.test(value);
}
