import { Column } from 'typeorm';
import { Created } from '../../../database/timestamps';
import type { CallDirection } from '../../../events/catalogue';

/**
 * Who a call is between, as both PBX tables record it: the extension it concerns, its direction
 * and the two numbers. A call leg (`pbx_calls`, from the event socket) and a CDR (`pbx_cdrs`) extend
 * it; its columns are theirs (TypeORM takes inherited columns into each table).
 */
export abstract class CallParties extends Created {
  @Column({ type: 'varchar', length: 100 })
  extension!: string;

  @Column({ type: 'varchar', length: 16 })
  direction!: CallDirection;

  @Column({ name: 'caller_number', type: 'varchar', length: 100 })
  callerNumber!: string;

  @Column({ name: 'destination_number', type: 'varchar', length: 100 })
  destinationNumber!: string;
}
