/**
 * Remembers which event reached which provider, so a redelivered message never reaches a provider
 * twice inside the idempotency window. `queue/powertools-delivery-ledger.ts` implements it with
 * Powertools idempotency's DynamoDB persistence layer.
 */
export interface DeliveryLedger {
  /** True when this call may deliver; false when the event was delivered (or is being delivered) already. */
  claim(provider: string, eventId: string, remainingMs: number): Promise<boolean>;
  complete(provider: string, eventId: string): Promise<void>;
  /** Gives the claim back after a failed delivery so the retry may send it. */
  release(provider: string, eventId: string): Promise<void>;
}
