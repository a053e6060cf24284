import { z } from 'zod';
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
const endpointUrl = z
  .url()
  .max(2048)
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, 'Must be an https URL (http only for localhost)')
  .refine((value) => new URL(value).username === '' && new URL(value).password === '', 'Must not contain credentials');

const timeoutMs = z.number().int().min(100).max(30_000).optional();

const ga4Schema = z.strictObject({
  measurementId: z.string().regex(/^G-[A-Z0-9]{4,20}$/, 'Must look like G-XXXXXXX'),
  apiSecret: z.string().min(8).max(200),
  region: z.enum(['eu', 'global']).optional().default('global'),
  debug: z.boolean().optional().default(false),
  sendIp: z.boolean().optional().default(false),
  clientIdSalt: z.string().min(1).max(200).optional(),
  engagementTimeMsec: z.number().int().min(1).max(3_600_000).optional(),
  /** Origin override, for stubs. */
  endpoint: endpointUrl.optional(),
  timeoutMs,
});

const matomoSchema = z.strictObject({
  url: endpointUrl,
  siteId: z.number().int().min(1).max(2_147_483_647),
  tokenAuth: z.string().min(8).max(200).optional(),
  visitorIdSalt: z.string().min(1).max(200).optional(),
  timeoutMs,
});

const plausibleSchema = z.strictObject({
  url: endpointUrl,
  domain: z.string().min(1).max(253).regex(/^[A-Za-z0-9.,:-]+$/, 'Must be the site domain as added in Plausible'),
  pseudonymousIpWhenMissing: z.boolean().optional(),
  concurrency: z.number().int().min(1).max(32).optional(),
  timeoutMs,
});

const webhookSchema = z.strictObject({
  url: endpointUrl,
  secret: z.string().min(16, 'Must be at least 16 characters').max(1024),
  maxBatchSize: z.number().int().min(1).max(1000).optional(),
  timeoutMs,
});

/** Which providers to forward to; several may be enabled at once. Secrets arrive as plain strings (read from Secrets Manager by the runtime). */
export const providerConfigSchema = z.strictObject({
  ga4: ga4Schema.optional(),
  matomo: matomoSchema.optional(),
  plausible: plausibleSchema.optional(),
  webhook: webhookSchema.optional(),
});
export type ProviderConfig = z.input<typeof providerConfigSchema>;

/**
 * Validates a provider config; throws ConfigError listing the bad fields (never their values).
 * @example parseProviderConfig({ webhook: { url: 'https://hooks.example.com/ep', secret } })
 */
export function parseProviderConfig(config: unknown): z.output<typeof providerConfigSchema> {
  const parsed = providerConfigSchema.safeParse(config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'providers'}: ${issue.message}`);
    throw new ConfigError(`Invalid provider configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
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
