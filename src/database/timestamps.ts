import { CreateDateColumn, UpdateDateColumn } from 'typeorm';

/**
 * The `created_at` column most tables have (`timestamptz`, set on insert). An entity extends this
 * (or `Timestamped`) instead of declaring the column again; TypeORM takes the inherited columns
 * into the entity's own table.
 */
export abstract class Created {
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** `created_at` and `updated_at` (`timestamptz`; TypeORM sets `updated_at` on every save). */
export abstract class Timestamped extends Created {
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
