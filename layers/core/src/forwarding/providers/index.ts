import * as v from 'valibot';
import { describeIssues } from '../../validation/issues';
import { ConfigError } from '../../errors';
import type { HttpPost, Provider } from '../event';
import { ga4Provider } from './ga4';
import { matomoProvider } from './matomo';
import { plausibleProvider } from './plausible';
import type { DropHook } from './relay';
import { webhookProvider } from './webhook';

export { ga4Provider, type Ga4Options } from './ga4';
export { matomoProvider, type MatomoOptions } from './matomo';
export { plausibleProvider, type PlausibleOptions } from './plausible';
export { webhookProvider, verifyWebhookSignature, signWebhook, type WebhookOptions } from './webhook';
export { PartialRelayError, type DropHook } from './relay';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https everywhere; plain http only to loopback (local stubs), since requests carry secrets and personal data. */
const endpointUrl = v.pipe(
  v.string(),
  v.maxLength(2048),
  v.url(),
  v.check((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, 'Must be an https URL (http only for localhost)'),
  v.check((value) => new URL(value).username === '' && new URL(value).password === '', 'Must not contain credentials'),
);

const text = (min: number, max: number) => v.pipe(v.string(), v.minLength(min), v.maxLength(max));
const whole = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const timeoutMs = v.optional(whole(100, 30_000));

const ga4Schema = v.strictObject({
  measurementId: v.pipe(v.string(), v.regex(/^G-[A-Z0-9]{4,20}$/, 'Must look like G-XXXXXXX')),
  apiSecret: text(8, 200),
  region: v.optional(v.picklist(['eu', 'global']), 'global'),
  debug: v.optional(v.boolean(), false),
  sendIp: v.optional(v.boolean(), false),
  clientIdSalt: v.optional(text(1, 200)),
  engagementTimeMsec: v.optional(whole(1, 3_600_000)),
  /** Origin override, for stubs. */
  endpoint: v.optional(endpointUrl),
  timeoutMs,
});

const matomoSchema = v.strictObject({
  url: endpointUrl,
  siteId: whole(1, 2_147_483_647),
  tokenAuth: v.optional(text(8, 200)),
  visitorIdSalt: v.optional(text(1, 200)),
  timeoutMs,
});

const plausibleSchema = v.strictObject({
  url: endpointUrl,
  domain: v.pipe(v.string(), v.minLength(1), v.maxLength(253), v.regex(/^[A-Za-z0-9.,:-]+$/, 'Must be the site domain as added in Plausible')),
  pseudonymousIpWhenMissing: v.optional(v.boolean()),
  concurrency: v.optional(whole(1, 32)),
  timeoutMs,
});

const webhookSchema = v.strictObject({
  url: endpointUrl,
  secret: v.pipe(v.string(), v.minLength(16, 'Must be at least 16 characters'), v.maxLength(1024)),
  maxBatchSize: v.optional(whole(1, 1000)),
  timeoutMs,
});

/** Which providers to forward to; several may be enabled at once. Secrets arrive as plain strings (read from Secrets Manager by the runtime). */
export const providerConfigSchema = v.strictObject({
  ga4: v.optional(ga4Schema),
  matomo: v.optional(matomoSchema),
  plausible: v.optional(plausibleSchema),
  webhook: v.optional(webhookSchema),
});
export type ProviderConfig = v.InferInput<typeof providerConfigSchema>;

/**
 * Validates a provider config; throws ConfigError listing the bad fields (never their values).
 * @example parseProviderConfig({ webhook: { url: 'https://hooks.example.com/ep', secret } })
 */
export function parseProviderConfig(config: unknown): v.InferOutput<typeof providerConfigSchema> {
  const parsed = v.safeParse(providerConfigSchema, config);
  if (!parsed.success) throw new ConfigError(`Invalid provider configuration: ${describeIssues(parsed.issues, 'providers').join('; ')}`);
  return parsed.output;
}

/**
 * Builds the enabled adapters, in a fixed order (ga4, matomo, plausible, webhook).
 * @example const providers = providersFromConfig({ ga4: { measurementId, apiSecret } }, httpPost)
 */
export function providersFromConfig(config: unknown, post: HttpPost, hooks: { onDrop?: (provider: string, reason: string, eventId: string) => void; now?: () => number } = {}): Provider[] {
  const parsed = parseProviderConfig(config);
  const dropFor = (provider: string): DropHook | undefined =>
    hooks.onDrop === undefined ? undefined : (reason, eventId) => hooks.onDrop?.(provider, reason, eventId);
  const providers: Provider[] = [];
  if (parsed.ga4) providers.push(ga4Provider({ ...parsed.ga4, onDrop: dropFor('ga4'), now: hooks.now }, post));
  if (parsed.matomo) providers.push(matomoProvider({ ...parsed.matomo, onDrop: dropFor('matomo'), now: hooks.now }, post));
  if (parsed.plausible) providers.push(plausibleProvider({ ...parsed.plausible, onDrop: dropFor('plausible'), now: hooks.now }, post));
  if (parsed.webhook) providers.push(webhookProvider({ ...parsed.webhook, now: hooks.now }, post));
  return providers;
}
