import { isbot } from 'isbot';
import type { GpcMode } from '../config';

/** Why an event was accepted (2xx) but not recorded. One counter per reason. */
export type DropReason = 'bot' | 'gpc' | 'debounced';

export interface VisitorVerdict {
  /** Set when nothing may be recorded. */
  readonly drop?: DropReason;
  /** True when the visitor sent Global Privacy Control. */
  readonly gpc: boolean;
  /** True when counts may be kept but no fingerprint, visitor id or request signal may be stored. */
  readonly anonymous: boolean;
}

/**
 * The first steps of the ingestion pipeline: drop known bots (and requests without a user agent,
 * which no browser sends), then apply the Global Privacy Control policy.
 * @example visitorVerdict({ userAgent: 'curl/8', gpcHeader: undefined, gpcMode: 'anonymous' }) // { drop: 'bot', … }
 */
export function visitorVerdict(input: { userAgent: string | undefined; gpcHeader: string | undefined; gpcMode: GpcMode }): VisitorVerdict {
  const gpc = input.gpcHeader?.trim() === '1';
  if (input.userAgent === undefined || input.userAgent.trim().length === 0 || isbot(input.userAgent)) {
    return { drop: 'bot', gpc, anonymous: false };
  }
  if (gpc && input.gpcMode === 'drop') return { drop: 'gpc', gpc, anonymous: true };
  return { gpc, anonymous: gpc && input.gpcMode === 'anonymous' };
}
