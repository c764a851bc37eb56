import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, validateSync } from 'class-validator';
import type { FieldErrors } from '../../common/errors';
import { escapeForeignDocument, escapeString } from '../../common/input-policy';
import { toFieldErrors } from '../../common/validation';
import type { CallDirection, CdrCreatedPayload } from '../../events/catalogue';

/**
 * Reads the JSON document FreeSWITCH's mod_json_cdr posts at the end of a call: the raw JSON body
 * (its default) or, with `encode=true`, a form-encoded `cdr=<json>`. Like every foreign document
 * it is stored escaped (input-policy.ts): NUL and lone surrogates, also those that URL-decoding a
 * variable produces, become visible `\uXXXX` text.
 *
 * The document carries `variables` (the channel variables, all strings; with mod_json_cdr's
 * default `encode-values` they are URL-encoded, so each value is decoded once), plus `callflow`,
 * `times`, `channel_data`, `switchname`, ... Only `variables` is read; its `uuid`, `start_epoch`,
 * `end_epoch` and `hangup_cause` are required, everything else has a fallback:
 *
 * - times: `*_uepoch` (microseconds) when present, else `*_epoch` (seconds); `answer_epoch` 0 =
 *   never answered. `duration` / `billsec` from the variables, else from the epochs.
 * - `extension`: `dialed_user`, else `dialed_extension` (exported by the default dialplan), else
 *   the destination or the caller when it looks like an extension (2–6 digits), else `''`.
 * - `direction`: FusionPBX's `call_direction` (`local` = internal) when set, else internal when
 *   both numbers are extensions, outbound when only the caller is, otherwise inbound.
 * - `result`: answered when answered, else by Q.850 cause: busy (`USER_BUSY`), no_answer
 *   (`NO_ANSWER`, `NO_USER_RESPONSE`, `ALLOTTED_TIMEOUT`), cancelled (`ORIGINATOR_CANCEL`,
 *   `LOSE_RACE`, `PICKED_OFF`), failed otherwise.
 * - `queue_name`: `cc_queue` (mod_callcenter), `fifo_name` or `queue_name`; `trunk_name`:
 *   `trunk_name`, `sip_gateway_name` or `sip_gateway`.
 * - `recording_url`: a `recording_url` variable when it is an http(s) URL; else the recording
 *   file: `record_path` (+ `/` + `record_name`, FusionPBX style), `recording_path`,
 *   `recording_file` or `record_file`. An http(s) location (also behind `http_cache://`) is used as
 *   is; a file path becomes a `file://<switchname>/<path>` URL naming the file on the PBX host.
 */

export const EXTENSION_PATTERN = /^\d{2,6}$/;
const MAX_URL_LENGTH = 2048;
const EPOCH = /^\d{1,12}$/;

class CdrVariables {
  @IsUUID('all', { message: 'uuid must be a UUID' })
  uuid!: string;

  @IsOptional()
  @IsString({ message: 'caller_id_number must be a string' })
  @MaxLength(100, { message: 'caller_id_number must be at most 100 characters' })
  caller_id_number?: string;

  @IsOptional()
  @IsString({ message: 'destination_number must be a string' })
  @MaxLength(100, { message: 'destination_number must be at most 100 characters' })
  destination_number?: string;

  @Matches(/^[1-9]\d{0,11}$/, { message: 'start_epoch must be a Unix time in seconds' })
  start_epoch!: string;

  @IsOptional()
  @Matches(EPOCH, { message: 'answer_epoch must be a Unix time in seconds (0: not answered)' })
  answer_epoch?: string;

  @Matches(/^[1-9]\d{0,11}$/, { message: 'end_epoch must be a Unix time in seconds' })
  end_epoch!: string;

  @IsOptional()
  @Matches(/^\d{1,9}$/, { message: 'duration must be a number of seconds' })
  duration?: string;

  @IsOptional()
  @Matches(/^\d{1,9}$/, { message: 'billsec must be a number of seconds' })
  billsec?: string;

  @Matches(/^[A-Z0-9_]{1,64}$/, {
    message: 'hangup_cause must be a Q.850 cause name such as NORMAL_CLEARING',
  })
  hangup_cause!: string;
}

/** A CDR ready to store: the `pbx.cdr.created` fields with real dates, plus the variables. */
export interface ParsedCdr {
  uuid: string;
  extension: string;
  direction: CallDirection;
  callerNumber: string;
  destinationNumber: string;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date;
  duration: number;
  billsec: number;
  hangupCause: string;
  result: CdrCreatedPayload['result'];
  queueName: string | null;
  trunkName: string | null;
  recordingUrl: string | null;
  variables: Record<string, string>;
}

export type CdrParseResult = { ok: true; cdr: ParsedCdr } | { ok: false; errors: FieldErrors };

/** Form-encoded `cdr=<json>` (mod_json_cdr `encode=true`) becomes the document it carries. */
function unwrapFormEncoded(body: unknown): { doc: unknown } | { errors: FieldErrors } {
  if (!isObject(body) || body.variables !== undefined || typeof body.cdr !== 'string') {
    return { doc: body };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.cdr);
  } catch {
    return { errors: { cdr: ['cdr must be a mod_json_cdr JSON document'] } };
  }
  const { value, errors } = escapeForeignDocument(parsed);
  return Object.keys(errors).length ? { errors } : { doc: value };
}

export function parseCdrDocument(raw: unknown): CdrParseResult {
  const unwrapped = unwrapFormEncoded(raw);
  if ('errors' in unwrapped) return { ok: false, errors: unwrapped.errors };
  const body = unwrapped.doc;
  if (!isObject(body)) return invalid('variables', 'the body must be a mod_json_cdr JSON document');
  if (!isObject(body.variables)) {
    return invalid('variables', 'variables must be an object of channel variables');
  }
  const vars = decodeVariables(body.variables);
  const dto = plainToInstance(CdrVariables, vars);
  const errors = validateSync(dto, { stopAtFirstError: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    const fields = toFieldErrors(errors);
    return {
      ok: false,
      errors: Object.fromEntries(Object.entries(fields).map(([k, v]) => [`variables.${k}`, v])),
    };
  }

  const startedAt = epoch(vars.start_uepoch, vars.start_epoch);
  const endedAt = epoch(vars.end_uepoch, vars.end_epoch);
  const answeredAt = epoch(vars.answer_uepoch, vars.answer_epoch);
  if (!startedAt || !endedAt) return invalid('variables.start_epoch', 'start_epoch is invalid');
  if (endedAt.getTime() < startedAt.getTime()) {
    return invalid('variables.end_epoch', 'end_epoch must not be before start_epoch');
  }
  const wholeSeconds = (from: Date, to: Date): number =>
    Math.max(0, Math.floor(to.getTime() / 1000) - Math.floor(from.getTime() / 1000));
  const caller = (vars.caller_id_number ?? '').slice(0, 100);
  const destination = (vars.destination_number ?? '').slice(0, 100);
  const hangupCause = dto.hangup_cause;
  return {
    ok: true,
    cdr: {
      uuid: dto.uuid.toLowerCase(),
      extension: extensionOf(vars, caller, destination),
      direction: directionOf(vars, caller, destination),
      callerNumber: caller,
      destinationNumber: destination,
      startedAt,
      answeredAt,
      endedAt,
      duration: vars.duration ? Number(vars.duration) : wholeSeconds(startedAt, endedAt),
      billsec: vars.billsec
        ? Number(vars.billsec)
        : answeredAt
          ? wholeSeconds(answeredAt, endedAt)
          : 0,
      hangupCause,
      result: resultOf(answeredAt !== null, hangupCause),
      queueName: firstOf(vars, ['cc_queue', 'fifo_name', 'queue_name'], 200),
      trunkName: firstOf(vars, ['trunk_name', 'sip_gateway_name', 'sip_gateway'], 200),
      recordingUrl: recordingUrl(vars, typeof body.switchname === 'string' ? body.switchname : ''),
      variables: vars,
    },
  };
}

export function resultOf(answered: boolean, hangupCause: string): CdrCreatedPayload['result'] {
  if (answered) return 'answered';
  switch (hangupCause) {
    case 'USER_BUSY':
      return 'busy';
    case 'NO_ANSWER':
    case 'NO_USER_RESPONSE':
    case 'ALLOTTED_TIMEOUT':
      return 'no_answer';
    case 'ORIGINATOR_CANCEL':
    case 'LOSE_RACE':
    case 'PICKED_OFF':
      return 'cancelled';
    default:
      return 'failed';
  }
}

function extensionOf(vars: Record<string, string>, caller: string, destination: string): string {
  const candidate =
    vars.dialed_user ||
    vars.dialed_extension ||
    (EXTENSION_PATTERN.test(destination) ? destination : '') ||
    (EXTENSION_PATTERN.test(caller) ? caller : '');
  return candidate.slice(0, 100);
}

function directionOf(
  vars: Record<string, string>,
  caller: string,
  destination: string,
): CallDirection {
  switch (vars.call_direction) {
    case 'inbound':
    case 'outbound':
    case 'internal':
      return vars.call_direction;
    case 'local':
      return 'internal';
  }
  const callerIsExtension = EXTENSION_PATTERN.test(caller);
  const destinationIsExtension =
    EXTENSION_PATTERN.test(destination) || Boolean(vars.dialed_user || vars.dialed_extension);
  if (callerIsExtension && destinationIsExtension) return 'internal';
  if (callerIsExtension) return 'outbound';
  return 'inbound';
}

export function recordingUrl(vars: Record<string, string>, switchname: string): string | null {
  const given = httpUrl(vars.recording_url);
  if (given) return given;
  let location: string | undefined;
  if (vars.record_path) {
    location = vars.record_name
      ? `${trimTrailingSlashes(vars.record_path)}/${vars.record_name.replace(/^\/+/, '')}`
      : vars.record_path;
  } else {
    location = vars.recording_path || vars.recording_file || vars.record_file;
  }
  if (!location) return null;
  const url = httpUrl(location.replace(/^http_cache:\/\//, ''));
  if (url) return url;
  if (!location.startsWith('/')) return null;
  const host = /^[A-Za-z0-9.-]{1,253}$/.test(switchname) ? switchname : '';
  const path = location
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  const fileUrl = `file://${host}${path}`;
  return fileUrl.length <= MAX_URL_LENGTH ? fileUrl : null;
}

/**
 * Without a regex: `/\/+$/` retries its `\/+` from every slash of a long run that does not end
 * the string, which is quadratic (100,000 slashes froze the process for seconds).
 */
export function trimTrailingSlashes(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 0x2f) end--;
  return value.slice(0, end);
}

function httpUrl(value: string | undefined): string | null {
  if (!value || value.length > MAX_URL_LENGTH) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function firstOf(vars: Record<string, string>, names: string[], max: number): string | null {
  for (const name of names) {
    const value = vars[name]?.trim();
    if (value) return value.slice(0, max);
  }
  return null;
}

/** Microsecond epoch when set, else second epoch; 0 or absent = not set. */
function epoch(micros: string | undefined, secs: string | undefined): Date | null {
  if (micros && /^\d{1,18}$/.test(micros) && Number(micros) > 0) {
    return new Date(Math.floor(Number(micros) / 1000));
  }
  if (secs && EPOCH.test(secs) && Number(secs) > 0) return new Date(Number(secs) * 1000);
  return null;
}

/** Channel variables as strings, URL-decoded once when they look encoded. */
function decodeVariables(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = String(value);
    else if (typeof value === 'string') out[key] = decodeValue(value);
  }
  return out;
}

function decodeValue(value: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(value)) return value;
  try {
    return escapeString(decodeURIComponent(value));
  } catch {
    return value;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, message: string): CdrParseResult {
  return { ok: false, errors: { [field]: [message] } };
}
