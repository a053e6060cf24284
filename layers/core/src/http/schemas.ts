import * as v from 'valibot';
import { USER_ID_PATTERN, USER_ID_RULE } from '../domain/user-id';
import { InvalidPayloadError, type FieldErrors } from '../errors';

/**
 * Every public input has one schema here, each string with a length cap. Unknown fields are dropped
 * (valibot's `object`); types are inferred from the schemas. valibot rather than zod: the same checks
 * for a fraction of the bundle and of the cold start (docs/decisions.md).
 *
 * Everything a schema accepts can be stored: a value DynamoDB or the SDK would refuse (a number it
 * cannot represent, a string that is not Unicode text) is a 400 naming the field, never a 503.
 */

/** DynamoDB stores 0 and magnitudes from 1e-130 to under 1e126; any other number would fail the write (a 503, not a 400). */
const storable = (n: number) => n === 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126);
const STORABLE = 'Must be 0 or of magnitude 1e-130 to 1e126';

/**
 * The SDK's marshaller (lib-dynamodb) refuses any number beyond ±(2^53 − 1): it could not be read
 * back exactly. Such a number is refused here, so a client is told once (400), not asked to retry
 * for ever (503).
 */
const exact = (n: number) => Math.abs(n) <= Number.MAX_SAFE_INTEGER;
const EXACT = `Must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER} (larger numbers cannot be stored exactly)`;

/** A lone surrogate (`"\ud800"` in JSON) is not Unicode text: DynamoDB's UTF-8 strings cannot hold it. */
const WELL_FORMED = 'Must be valid Unicode text';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (value: string) => !LONE_SURROGATE.test(value);

/** Text of at most `max` characters (UTF-16 units, as zod counted), well-formed. */
const text = (max: number, message?: string) => v.pipe(v.string(), v.maxLength(max, message), v.check(wellFormed, WELL_FORMED));

const storableNumber = v.pipe(v.number(), v.finite(), v.check(storable, STORABLE), v.check(exact, EXACT));

const propValue = v.union([text(100), storableNumber, v.boolean()]);

const MAX_PROPS = 25;

/** Form bodies send text: numeric text becomes a number; anything else is left for the type check to refuse. */
const numericText = (value: unknown) => (typeof value === 'string' && /^\s*[0-9.eE+-]+\s*$/.test(value) ? Number(value) : value);

const ANON_TRUE = new Set<unknown>([true, 1, 'true', '1']);
const ANON_FALSE = new Set<unknown>([false, 0, 'false', '0']);

/**
 * The boolean forms a client sends: `true`/`false`, `1`/`0` and their text (form bodies, query-built
 * JSON). Anything else is a 400 naming `anon`.
 */
const booleanLike = v.pipe(
  v.custom<boolean | number | string>((value) => ANON_TRUE.has(value) || ANON_FALSE.has(value), 'Must be true, false, 1 or 0'),
  v.transform((value) => ANON_TRUE.has(value)),
);

export const collectSchema = v.object({
  id: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'Must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -'))),
  url: v.optional(text(2048)),
  ref: v.optional(text(2048)),
  title: v.optional(text(512)),
  event: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9_]{1,40}$/, 'Must be 1 to 40 characters of a-z, 0-9 or _')), 'pageview'),
  props: v.optional(
    v.pipe(
      // valibot's record would take an array as an object of index keys; props is a map of names.
      v.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'Must be an object of properties'),
      v.record(v.pipe(v.string(), v.minLength(1), v.maxLength(40), v.check(wellFormed, WELL_FORMED)), propValue),
      v.check((props) => Object.keys(props).length <= MAX_PROPS, `At most ${MAX_PROPS} properties`),
    ),
  ),
  /** Sent by the snippet without consent (or for GPC/DNT): store no fingerprint, visitorId or request signal. */
  anon: v.optional(booleanLike),
  // Only numeric text (form bodies) is converted: coercion turned null, '', [] or true into 0 or 1.
  confidence: v.optional(v.pipe(v.unknown(), v.transform(numericText), v.number(), v.minValue(0), v.maxValue(1), v.check(storable, STORABLE))),
});
export type CollectInput = v.InferOutput<typeof collectSchema>;

/** zod's `iso.datetime({ offset: true, local: true })`, kept exactly: seconds required with `Z` or an offset, optional without. */
const ISO_DATE = String.raw`(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))`;
const HH_MM = String.raw`(?:[01]\d|2[0-3]):[0-5]\d`;
const ISO_DATETIME = new RegExp(
  String.raw`^${ISO_DATE}T(?:${HH_MM}:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)|${HH_MM}(?::[0-5]\d(?:\.\d+)?)?)$`,
);

export const activitySchema = v.object({
  date: v.pipe(
    v.string('This field is required.'),
    v.maxLength(40, 'Enter a valid ISO-8601 date-time.'),
    v.regex(ISO_DATETIME, 'Enter a valid ISO-8601 date-time.'),
  ),
  path: v.optional(text(1000, 'Ensure this field has no more than 1000 characters.')),
  referer: v.optional(text(2048, 'Ensure this field has no more than 2048 characters.')),
});
export type ActivityInput = v.InferOutput<typeof activitySchema>;

export const MAX_HIT_URLS = 100;

/** Any of the schemas here. */
type Schema<T> = v.GenericSchema<unknown, T>;

/**
 * Runs a schema: its output, or the field errors (first path segment, or `body`).
 * @example const result = check(collectSchema, fields); if (!result.success) throw new InvalidPayloadError('Invalid request', result.fields)
 */
export function check<T>(schema: Schema<T>, input: unknown): { success: true; output: T } | { success: false; fields: FieldErrors } {
  const result = v.safeParse(schema, input);
  if (result.success) return { success: true, output: result.output };
  return { success: false, fields: toFieldErrors(result.issues) };
}

/**
 * Runs a schema and turns its issues into field errors (a 400).
 * @example const input = validate(linkSchema, fields)
 */
export function validate<T>(schema: Schema<T>, input: unknown, message = 'Invalid request'): T {
  const result = check(schema, input);
  if (result.success) return result.output;
  throw new InvalidPayloadError(message, result.fields);
}

/** @example toFieldErrors(v.safeParse(collectSchema, {}).issues ?? []) */
export function toFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path?.[0]?.key;
    const field = key === undefined ? 'body' : String(key);
    (fields[field] ??= []).push(issue.message);
  }
  return fields;
}

/** `POST /v1/sessions/link`: the session from the body, or the `ep_sid` cookie when absent. */
export const linkSchema = v.object({
  userId: v.pipe(v.string('Required'), v.regex(USER_ID_PATTERN, USER_ID_RULE)),
  sessionId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22}$/, 'Must be a session id (22 characters of A-Z, a-z, 0-9, _ or -)'))),
  // Form bodies send text; JSON sends a boolean.
  force: v.optional(v.union([v.boolean(), v.pipe(v.picklist(['true', 'false']), v.transform((value) => value === 'true'))])),
});
export type LinkInput = v.InferOutput<typeof linkSchema>;
