import type { AttemptTrigger } from '../entities/delivery-attempt.entity';

/** A delivery claimed for one attempt: what signing, sending and recording need of it. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  /** The number of this attempt (already counted by the claim). */
  attemptCount: number;
  replayRequested: boolean;
  event: string;
  body: string;
  isTest: boolean;
  orderingKey: string | null;
  sequence: string | null;
  /**
   * Its day partition's key (its attempts are filed under it too), as PostgreSQL's text, so it
   * goes back exactly (a Date would lose microseconds).
   */
  createdAt: string;
}

export function triggerOf(d: ClaimedDelivery): AttemptTrigger {
  return d.isTest ? 'test' : d.replayRequested ? 'replay' : 'auto';
}
