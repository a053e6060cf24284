import { z } from 'zod';
import { USER_ID_PATTERN, USER_ID_RULE } from '../domain/user-id';
import { InvalidPayloadError, type FieldErrors } from '../errors';

/**
 * Every public input has one schema here, each string with a length cap. Unknown fields are dropped
 * (zod's default for objects); types are inferred from the schemas.
 */

/** DynamoDB stores 0 and magnitudes from 1e-130 to under 1e126; any other number would fail the write (a 503, not a 400). */
const storable = (n: number) => n === 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126);
const STORABLE = 'Must be 0 or of magnitude 1e-130 to 1e126';

const propValue = z.union([z.string().max(100), z.number().finite().refine(storable, STORABLE), z.boolean()]);

export const collectSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -')
    .optional(),
  url: z.string().max(2048).optional(),
  ref: z.string().max(2048).optional(),
  title: z.string().max(512).optional(),
  event: z
    .string()
    .regex(/^[a-z0-9_]{1,40}$/, 'Must be 1 to 40 characters of a-z, 0-9 or _')
    .optional()
    .default('pageview'),
  props: z
    .record(z.string().min(1).max(40), propValue)
    .refine((props) => Object.keys(props).length <= 25, 'At most 25 properties')
    .optional(),
  // Only numeric text (form bodies) is converted: z.coerce turned null, '', [] or true into 0 or 1.
  /** Sent by the snippet without consent (or for GPC/DNT): store no fingerprint, visitorId or request signal. */
  anon: z.union([z.literal(1), z.literal(true), z.literal('1')]).optional(),
  confidence: z
    .preprocess((value) => (typeof value === 'string' && /^\s*[0-9.eE+-]+\s*$/.test(value) ? Number(value) : value), z.number().min(0).max(1).refine(storable, STORABLE))
    .optional(),
});
export type CollectInput = z.infer<typeof collectSchema>;

export const activitySchema = z.object({
  date: z
    .string({ error: 'This field is required.' })
    .max(40)
    .pipe(z.iso.datetime({ offset: true, local: true, error: 'Enter a valid ISO-8601 date-time.' })),
  path: z.string().max(1000, 'Ensure this field has no more than 1000 characters.').optional(),
  referer: z.string().max(2048, 'Ensure this field has no more than 2048 characters.').optional(),
});
export type ActivityInput = z.infer<typeof activitySchema>;

export const MAX_HIT_URLS = 100;

/** Runs a schema and turns its issues into field errors (first path segment, or `body`). */
export function validate<T>(schema: z.ZodType<T>, input: unknown, message = 'Invalid request'): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidPayloadError(message, toFieldErrors(result.error));
}

export function toFieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : 'body';
    (fields[field] ??= []).push(issue.message);
  }
  return fields;
}

/** `POST /v1/sessions/link`: the session from the body, or the `ep_sid` cookie when absent. */
export const linkSchema = z.object({
  userId: z.string({ error: 'Required' }).regex(USER_ID_PATTERN, USER_ID_RULE),
  sessionId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{22}$/, 'Must be a session id (22 characters of A-Z, a-z, 0-9, _ or -)')
    .optional(),
  // Form bodies send text; JSON sends a boolean.
  force: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])
    .optional(),
});
export type LinkInput = z.infer<typeof linkSchema>;
