import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CallHangupPayload, CallDirection } from '../../events/catalogue';
import { EventBus } from '../../events/event-bus';
import type { PbxCdr } from './entities/pbx-cdr.entity';

export interface OpenLeg {
  id: string;
  extension: string;
  direction: CallDirection;
  caller_number: string;
  destination_number: string;
  answered_at: Date | null;
  status: string;
}

/**
 * A hangup for every call that rang (docs/receiver-guide.md §5): when a CDR arrives for a call
 * whose legs published `pbx.call.ringing` (or `answered`) but never `pbx.call.hangup` (the event
 * socket was down, or FreeSWITCH dropped the frame), publishes each missing hangup from the CDR, in
 * the CDR's transaction and before its `pbx.cdr.created`.
 *
 * Exactly once: the open legs are locked (`FOR UPDATE`, in id order) and marked ended with
 * `hangup` in `published`. An ESL hangup racing it upserts the same row, so it waits, then finds
 * `hangup` published and is dropped as a duplicate; one that committed first has already ended
 * the leg, which the locked re-read then skips.
 *
 * Fields: the leg's own numbers and direction (as its ringing said); times, duration, answer
 * and cause from the CDR. A ring group's other legs (extension not the CDR's) keep the answer
 * time their ESL events gave; unanswered while another extension answered, they lost the race
 * (`LOSE_RACE`).
 */
@Injectable()
export class CallCloser {
  constructor(private readonly events: EventBus) {}

  /** Publishes the missing hangups of the CDR's call; returns how many. */
  async closeFromCdr(tx: EntityManager, cdr: PbxCdr): Promise<number> {
    // Locking reads return each row as last committed (after waiting for a racing ESL hangup).
    const all: OpenLeg[] = await tx.query(
      `SELECT id, extension, direction, caller_number, destination_number, answered_at, status
         FROM pbx_calls WHERE call_uuid = $1 ORDER BY id FOR UPDATE`,
      [cdr.uuid],
    );
    const legs = all.filter((leg) => leg.status !== 'ended');
    if (legs.length === 0) return 0;
    const hangups = legs.map((leg) => hangupFromCdr(leg, cdr, all.length === 1));
    for (const [i, leg] of legs.entries()) {
      const h = hangups[i];
      await tx.query(
        `UPDATE pbx_calls SET status = 'ended', started_at = $2, answered_at = $3, ended_at = $4,
           duration = $5, billsec = $6, hangup_cause = $7,
           published = array_append(published, 'hangup'), updated_at = now()
         WHERE id = $1`,
        [leg.id, h.started_at, h.answered_at, h.ended_at, h.duration, h.billsec, h.hangup_cause],
      );
    }
    await this.events.publishMany(
      tx,
      hangups.map((data) => ({ name: 'pbx.call.hangup', data })),
    );
    return hangups.length;
  }
}

/** The `pbx.call.hangup` of one open leg, from the CDR (`only`: the call's only leg). */
export function hangupFromCdr(leg: OpenLeg, cdr: PbxCdr, only: boolean): CallHangupPayload {
  const own = only || leg.extension === cdr.extension;
  const answeredAt = own ? cdr.answeredAt : leg.answered_at;
  const wholeSeconds = (from: Date, to: Date): number =>
    Math.max(0, Math.floor(to.getTime() / 1000) - Math.floor(from.getTime() / 1000));
  let billsec = cdr.billsec;
  let cause = cdr.hangupCause;
  if (!own) {
    billsec = answeredAt ? wholeSeconds(answeredAt, cdr.endedAt) : 0;
    if (!answeredAt && cdr.answeredAt) cause = 'LOSE_RACE';
  }
  return {
    call_uuid: cdr.uuid,
    extension: leg.extension,
    direction: leg.direction,
    caller_number: leg.caller_number,
    destination_number: leg.destination_number,
    started_at: cdr.startedAt.toISOString(),
    answered_at: answeredAt?.toISOString() ?? null,
    ended_at: cdr.endedAt.toISOString(),
    duration: cdr.duration,
    billsec,
    hangup_cause: cause,
  };
}
