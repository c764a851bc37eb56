import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CdrCreatedPayload } from '../../../events/catalogue';
import { CallParties } from './call-parties';

export type CdrResult = CdrCreatedPayload['result'];

/** A call detail record posted by FreeSWITCH's mod_json_cdr; one per call uuid. */
@Entity('pbx_cdrs')
@Index('pbx_cdrs_started_idx', ['startedAt', 'uuid'])
export class PbxCdr extends CallParties {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_pbx_cdrs' })
  uuid!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz' })
  endedAt!: Date;

  @Column({ type: 'int' })
  duration!: number;

  @Column({ type: 'int' })
  billsec!: number;

  @Column({ name: 'hangup_cause', type: 'varchar', length: 64 })
  hangupCause!: string;

  @Column({ type: 'varchar', length: 16 })
  result!: CdrResult;

  @Column({ name: 'queue_name', type: 'varchar', length: 200, nullable: true })
  queueName!: string | null;

  @Column({ name: 'trunk_name', type: 'varchar', length: 200, nullable: true })
  trunkName!: string | null;

  @Column({ name: 'recording_url', type: 'text', nullable: true })
  recordingUrl!: string | null;

  /** The document's channel variables, decoded (kept for support and reprocessing). */
  @Column({ type: 'jsonb' })
  variables!: Record<string, string>;
}

/**
 * The `pbx.cdr.created` payload of a stored CDR (docs/receiver-guide.md §9's fields, in its order).
 */
export function cdrPayload(c: PbxCdr): CdrCreatedPayload {
  return {
    call_uuid: c.uuid,
    extension: c.extension,
    direction: c.direction,
    caller_number: c.callerNumber,
    destination_number: c.destinationNumber,
    started_at: c.startedAt.toISOString(),
    answered_at: c.answeredAt?.toISOString() ?? null,
    ended_at: c.endedAt.toISOString(),
    duration: c.duration,
    billsec: c.billsec,
    hangup_cause: c.hangupCause,
    result: c.result,
    queue_name: c.queueName,
    trunk_name: c.trunkName,
    recording_url: c.recordingUrl,
  };
}

/** The API's CDR resource: the event's fields plus when the row was stored. */
export function presentCdr(c: PbxCdr): CdrCreatedPayload & { created_at: string } {
  return { ...cdrPayload(c), created_at: c.createdAt.toISOString() };
}
