/**
 * Bundled in place of `@aws-sdk/credential-provider-node` (an esbuild alias in
 * infra/lib/constructs/edgeprint-function.ts): Lambda hands every function its role's credentials
 * in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, which is where the default
 * chain finds them first. The rest of the chain (SSO, ini files, process, web identity, container
 * and instance metadata, with their STS and SSO clients) is about 135 KiB a function would parse at
 * every cold start and never run. Local runs and tests load the real chain (they are not bundled).
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
