import { hangupFromCdr, OpenLeg } from './call-closer';
import type { PbxCdr } from './entities/pbx-cdr.entity';
import { ANSWERED_CALL } from '../../../test/support/cdr';

const cdr = {
  uuid: '6f1c2b0e-4d1a-4c8e-9a57-3e2f8b1d7c40',
  extension: '1001',
  direction: 'inbound',
  callerNumber: '84912345678',
  destinationNumber: '842873001234',
  startedAt: new Date('2026-06-29T03:29:40.123Z'),
  answeredAt: new Date('2026-06-29T03:29:46.200Z'),
  endedAt: new Date('2026-06-29T03:30:12.900Z'),
  duration: 32,
  billsec: 26,
  hangupCause: 'NORMAL_CLEARING',
} as PbxCdr;

const leg = (extension: string, answeredAt: Date | null = null): OpenLeg => ({
  id: '1',
  extension,
  direction: 'inbound',
  caller_number: '84912345678',
  destination_number: '842873001234',
  answered_at: answeredAt,
  status: answeredAt ? 'answered' : 'ringing',
});

describe('hangupFromCdr', () => {
  it("the CDR's own leg takes the CDR's times, answer, billsec and cause", () => {
    expect(hangupFromCdr(leg('1001'), cdr, false)).toEqual({
      call_uuid: cdr.uuid,
      ...ANSWERED_CALL,
    });
  });

  it("a call's only leg is the CDR's even when the CDR names no extension", () => {
    const noExtension: PbxCdr = { ...cdr, extension: '' };
    expect(hangupFromCdr(leg('1001'), noExtension, true)).toMatchObject({
      extension: '1001',
      billsec: 26,
      hangup_cause: 'NORMAL_CLEARING',
    });
  });

  it('a ring group leg that did not answer while another did lost the race', () => {
    expect(hangupFromCdr(leg('1002'), cdr, false)).toMatchObject({
      extension: '1002',
      answered_at: null,
      billsec: 0,
      hangup_cause: 'LOSE_RACE',
    });
  });

  it('another leg that answered keeps its own answer time and bills from it', () => {
    const answered = new Date('2026-06-29T03:30:02.000Z');
    expect(hangupFromCdr(leg('1002', answered), cdr, false)).toMatchObject({
      answered_at: '2026-06-29T03:30:02.000Z',
      billsec: 10,
      hangup_cause: 'NORMAL_CLEARING',
    });
  });

  it('nobody answered: every leg gets the CDR cause', () => {
    const unanswered = {
      ...cdr,
      answeredAt: null,
      billsec: 0,
      hangupCause: 'NO_ANSWER',
    } as PbxCdr;
    expect(hangupFromCdr(leg('1002'), unanswered, false)).toMatchObject({
      answered_at: null,
      billsec: 0,
      hangup_cause: 'NO_ANSWER',
    });
  });
});
