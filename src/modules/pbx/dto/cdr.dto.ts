import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalDateTime } from '../../../common/fields';
import { PageQuery } from '../../../common/query-dto';
import { DataOf, PageOf } from '../../../openapi';

export class CdrListQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Start of the window (ISO 8601, on the call start); default `to` − 30 days',
    example: '2026-06-01T00:00:00Z',
  })
  @OptionalDateTime()
  from?: Date;

  @ApiPropertyOptional({
    description:
      'End of the window (ISO 8601, exclusive); default now. At most 30 days after `from`',
    example: '2026-06-30T00:00:00Z',
  })
  @OptionalDateTime()
  to?: Date;
}

/** The subset of a mod_json_cdr document that is read (every other key is accepted and kept). */
export class CdrVariablesDoc {
  @ApiProperty({ format: 'uuid', example: '6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c40' })
  uuid!: string;
  @ApiPropertyOptional({ example: '84912345678' })
  caller_id_number?: string;
  @ApiPropertyOptional({ example: '1001' })
  destination_number?: string;
  @ApiProperty({ description: 'Unix seconds', example: '1782703780' })
  start_epoch!: string;
  @ApiPropertyOptional({ description: 'Unix seconds; 0 when not answered', example: '1782703786' })
  answer_epoch?: string;
  @ApiProperty({ description: 'Unix seconds', example: '1782703812' })
  end_epoch!: string;
  @ApiPropertyOptional({ example: '32' })
  duration?: string;
  @ApiPropertyOptional({ example: '26' })
  billsec?: string;
  @ApiProperty({ description: 'Q.850 cause name', example: 'NORMAL_CLEARING' })
  hangup_cause!: string;
  @ApiPropertyOptional({ description: 'Extension rung (user/ endpoint)', example: '1001' })
  dialed_user?: string;
  @ApiPropertyOptional({
    description: 'Recording directory (with `record_name`) or file; or an http(s) URL',
    example: '/var/lib/freeswitch/recordings/2026/06/29',
  })
  record_path?: string;
  @ApiPropertyOptional({ example: '6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c40.wav' })
  record_name?: string;
  @ApiPropertyOptional({ description: 'An http(s) URL of the recording, used as is' })
  recording_url?: string;
  @ApiPropertyOptional({ description: 'mod_callcenter queue', example: 'sales' })
  cc_queue?: string;
  @ApiPropertyOptional({ description: 'Trunk (gateway) name', example: 'viettel-sip-01' })
  sip_gateway_name?: string;
}

export class CdrDocument {
  @ApiPropertyOptional({ example: 'pbx01' })
  switchname?: string;

  @ApiProperty({
    type: CdrVariablesDoc,
    description:
      'Channel variables (strings, URL-encoded or not). Other keys of the document (callflow, ' +
      'times, channel_data, app_log, ...) are accepted and ignored.',
  })
  variables!: CdrVariablesDoc;
}

export class Cdr {
  @ApiProperty({ format: 'uuid' }) call_uuid!: string;
  @ApiProperty({ example: '1001' }) extension!: string;
  @ApiProperty({ enum: ['inbound', 'outbound', 'internal'] }) direction!: string;
  @ApiProperty({ example: '84912345678' }) caller_number!: string;
  @ApiProperty({ example: '1001' }) destination_number!: string;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) answered_at!: string | null;
  @ApiProperty({ format: 'date-time' }) ended_at!: string;
  @ApiProperty({ description: 'seconds', example: 32 }) duration!: number;
  @ApiProperty({ description: 'seconds', example: 26 }) billsec!: number;
  @ApiProperty({ example: 'NORMAL_CLEARING' }) hangup_cause!: string;
  @ApiProperty({ enum: ['answered', 'no_answer', 'busy', 'failed', 'cancelled'] })
  result!: string;
  @ApiProperty({ nullable: true, type: String, example: 'sales' }) queue_name!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'viettel-sip-01' })
  trunk_name!: string | null;
  @ApiProperty({ nullable: true, type: String }) recording_url!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class CdrResponse extends DataOf(Cdr) {}
export class CdrListResponse extends PageOf(Cdr) {}
