import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventBus } from '../../events/event-bus';
import { CallEventMessage, CallFact, toCallEventMessage } from './esl/call-event-mapper';

/**
 * Keeps `pbx_calls` from the event socket's call facts and publishes `pbx.call.*` in the same
 * transaction. Idempotent per (call uuid, extension, kind): the upsert locks the leg's row, so a
 * frame FreeSWITCH repeats, or the same event seen by two workers connected to the same socket,
 * publishes once. (Keyed per extension too, because a ring group rings several extensions of one
 * call and each gets its own ringing/answered/hangup.) When the CDR came first and published a
 * leg's hangup (CallCloser), the leg's row is ended with `hangup` published, so the ESL hangup
 * arriving later (or racing it, waiting on the row lock) is dropped as a duplicate.
 */
@Injectable()
export class PbxCallsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: EventBus,
  ) {}

  /** Records a fact; true when its event was published, false when it had been already. */
  async record(fact: CallFact): Promise<boolean> {
    const message = toCallEventMessage(fact);
    return this.db.transaction(async (tx) => {
      const leg = await lockLeg(tx, fact);
      if (leg.published.includes(fact.kind)) return false;
      // A leg's hangup is its last event: a ringing or answer arriving after it (a late frame,
      // or the CDR closed the leg first) is dropped, so no ringing is left without its hangup.
      if (leg.published.includes('hangup')) return false;
      await recordOnLeg(tx, leg.id, fact);
      await this.publish(tx, message);
      return true;
    });
  }

  private async publish(tx: EntityManager, message: CallEventMessage): Promise<void> {
    switch (message.name) {
      case 'pbx.call.ringing':
        return this.events.publish(tx, message.name, message.payload);
      case 'pbx.call.answered':
        return this.events.publish(tx, message.name, message.payload);
      case 'pbx.call.hangup':
        return this.events.publish(tx, message.name, message.payload);
    }
  }
}

/** The leg's row (created on its first fact), locked until commit, and what it has published. */
async function lockLeg(
  tx: EntityManager,
  fact: CallFact,
): Promise<{ id: string; published: string[] }> {
  const rows: { id: string; published: string[] }[] = await tx.query(
    `INSERT INTO pbx_calls
       (call_uuid, extension, direction, caller_number, destination_number, status)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (call_uuid, extension) DO UPDATE SET updated_at = pbx_calls.updated_at
     RETURNING id, published`,
    [
      fact.call_uuid,
      fact.extension.slice(0, 100),
      fact.direction,
      fact.caller_number.slice(0, 100),
      fact.destination_number.slice(0, 100),
      fact.kind === 'hangup' ? 'ended' : fact.kind,
    ],
  );
  return rows[0];
}

/** Writes the fact's times (and the hangup's figures) on the leg and marks its kind published. */
async function recordOnLeg(tx: EntityManager, id: string, fact: CallFact): Promise<void> {
  switch (fact.kind) {
    case 'ringing':
      await tx.query(
        `UPDATE pbx_calls SET ringing_at = COALESCE(ringing_at, $2),
           published = array_append(published, 'ringing'), updated_at = now()
         WHERE id = $1`,
        [id, fact.timestamp],
      );
      break;
    case 'answered':
      await tx.query(
        `UPDATE pbx_calls SET ringing_at = COALESCE(ringing_at, $2), answered_at = $3,
           status = CASE WHEN status = 'ended' THEN status ELSE 'answered' END,
           published = array_append(published, 'answered'), updated_at = now()
         WHERE id = $1`,
        [id, fact.timestamp, fact.answered_at],
      );
      break;
    case 'hangup':
      await tx.query(
        `UPDATE pbx_calls SET started_at = $2, answered_at = COALESCE($3, answered_at),
           ended_at = $4, duration = $5, billsec = $6, hangup_cause = $7, status = 'ended',
           published = array_append(published, 'hangup'), updated_at = now()
         WHERE id = $1`,
        [
          id,
          fact.started_at,
          fact.answered_at,
          fact.ended_at,
          fact.duration,
          fact.billsec,
          fact.hangup_cause.slice(0, 64),
        ],
      );
      break;
  }
}
