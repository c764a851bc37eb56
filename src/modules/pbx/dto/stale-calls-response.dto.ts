import { ApiProperty } from '@nestjs/swagger';
import { ApiDateTime, DataOf } from '../../../admin-openapi';

/** A call leg that rang (or was answered) and never got a hangup, long after any plausible end. */
export class StaleCall {
  @ApiProperty() call_uuid!: string;
  @ApiProperty({ example: '1001' }) extension!: string;
  @ApiProperty({ example: 'ringing' }) status!: string;
  @ApiDateTime(true) ringing_at!: string | null;
  @ApiDateTime() first_seen_at!: string;
}

/** The complete count and the oldest few (at most 20). */
export class StaleCallsSummary {
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: 'integer' }) older_than_seconds!: number;
  @ApiProperty({ type: () => StaleCall, isArray: true }) oldest!: StaleCall[];
}
export class StaleCallsEnvelope extends DataOf(StaleCallsSummary) {}
