/**
 * Remembers which event reached which provider, so a redelivered message never reaches a provider
 * twice inside the idempotency window. `queue/powertools-delivery-ledger.ts` implements it with
 * Powertools idempotency's DynamoDB persistence layer.
 */
export type ClaimResult = 'claimed' | 'delivered' | 'in-flight';

export interface DeliveryLedger {
  /**
   * `claimed`: this call may deliver. `delivered`: the provider has it already (skip it). `in-flight`:
   * another invocation holds the claim right now (a redelivery overlapping the first attempt): the
   * record must be retried, not skipped, because that attempt may still fail and release it.
   */
  claim(provider: string, eventId: string, remainingMs: number): Promise<ClaimResult>;
  complete(provider: string, eventId: string): Promise<void>;
  /** Gives the claim back after a failed delivery so the retry may send it. */
  release(provider: string, eventId: string): Promise<void>;
}
