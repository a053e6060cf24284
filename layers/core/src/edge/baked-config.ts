import { parseEdgeConfig, type EdgeConfig } from './edge-config';

// Replaced by esbuild `define` at build time (see edgeConfigDefine); undeclared otherwise, so `typeof`
// reads it from globalThis, which is how local runs bake it in.
declare const __EDGEPRINT_EDGE_CONFIG__: unknown;

/** A validated configuration, or why there is none (the handler then fails open). */
export type EdgeConfigLoad = { readonly ok: true; readonly config: EdgeConfig } | { readonly ok: false; readonly error: string };

/**
 * Reads and validates the configuration baked into this build. Never throws.
 * @example const load = loadBakedEdgeConfig(); if (load.ok) use(load.config)
 */
export function loadBakedEdgeConfig(): EdgeConfigLoad {
  try {
    const raw = typeof __EDGEPRINT_EDGE_CONFIG__ === 'undefined' ? undefined : __EDGEPRINT_EDGE_CONFIG__;
    if (raw === undefined) return { ok: false, error: 'no edge configuration was baked into this build' };
    return { ok: true, config: parseEdgeConfig(raw) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
