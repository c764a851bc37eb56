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

/**
 * The `updated_at` column (`timestamptz`; TypeORM sets it on every save), for an entity whose other
 * columns come from a base class other than `Created`.
 */
export const UpdatedAt = (): PropertyDecorator =>
  UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' });

/** `created_at` and `updated_at`. */
export abstract class Timestamped extends Created {
  @UpdatedAt()
  updatedAt!: Date;
}
