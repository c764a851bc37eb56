import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../../common/actor';
import { Conflict, NotFound } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import type { UserRole } from '../../platform/http/access.decorators';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { User, presentUser } from './entities/user.entity';
import { randomAlphanumeric } from '../../common/random';
import { hashPassword } from './passwords';

/** Serialises changes that may remove an active admin, so two cannot race past the last-admin check. */
const ADMIN_SET_LOCK = 7_311_004;
const EMAIL_TAKEN = 'A user with this email already exists.';

const isUniqueViolation = (err: unknown): boolean =>
  (err as { code?: string } | null)?.code === '23505';

@Injectable()
export class UsersService {
  private readonly logger = new Logger('Users');

  constructor(
    @InjectRepository(User) private readonly userRepo: Repository<User>,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<User[]> {
    return this.userRepo.find({ order: { createdAt: 'ASC' } });
  }

  findById(id: string): Promise<User | null> {
    return this.userRepo.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.userRepo.findOneBy({ email: email.trim() });
  }

  async create(actor: Actor, dto: CreateUserDto): Promise<User> {
    const passwordHash = await hashPassword(dto.password);
    return this.userRepo.manager.transaction(async (tx) => {
      const exists = await tx.getRepository(User).findOneBy({ email: dto.email.trim() });
      if (exists) throw new Conflict(EMAIL_TAKEN);
      const user = await tx
        .getRepository(User)
        .save(
          tx.create(User, {
            email: dto.email.trim(),
            name: dto.name.trim(),
            role: dto.role,
            passwordHash,
            disabled: false,
          }),
        )
        .catch((err: unknown) => {
          // Another request inserted the same email between our check and our insert.
          throw isUniqueViolation(err) ? new Conflict(EMAIL_TAKEN) : err;
        });
      await this.audit.record(tx, actor, {
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        after: presentUser(user),
      });
      return user;
    });
  }

  async update(actor: Actor, id: string, dto: UpdateUserDto): Promise<User> {
    const demoting = dto.role !== undefined && dto.role !== 'admin';
    return this.userRepo.manager.transaction(async (tx) => {
      if (dto.disabled === true || demoting) {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_SET_LOCK]);
      }
      const repo = tx.getRepository(User);
      const user = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFound();
      const before = presentUser(user);
      if (actor.id === user.id && (dto.disabled === true || demoting)) {
        throw new Conflict('You cannot disable or demote your own account.');
      }
      if (user.role === 'admin' && !user.disabled && (dto.disabled === true || demoting)) {
        const admins = await repo.countBy({ role: 'admin', disabled: false });
        if (admins <= 1) throw new Conflict('The last active admin cannot be disabled or demoted.');
      }
      if (dto.role !== undefined) user.role = dto.role;
      if (dto.disabled !== undefined) user.disabled = dto.disabled;
      if (dto.name !== undefined) user.name = dto.name.trim();
      await repo.save(user);
      await this.audit.record(tx, actor, {
        action: 'user.updated',
        targetType: 'user',
        targetId: user.id,
        before,
        after: presentUser(user),
      });
      return user;
    });
  }

  /**
   * Creates the first admin when there is no user at all. Returns the generated password when one
   * had to be invented (the caller prints it once), else null.
   */
  async ensureFirstAdmin(
    email = 'admin@localhost',
    password?: string,
  ): Promise<{ email: string; password: string | null } | null> {
    const plain = password ?? randomAlphanumeric(20);
    const passwordHash = await hashPassword(plain);
    return this.userRepo.manager.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7311003)');
      if ((await tx.getRepository(User).count()) > 0) return null;
      const user = await tx.getRepository(User).save(
        tx.create(User, {
          email,
          name: 'Administrator',
          role: 'admin' as UserRole,
          passwordHash,
        }),
      );
      await this.audit.record(tx, SYSTEM_ACTOR, {
        action: 'user.created',
        targetType: 'user',
        targetId: user.id,
        after: presentUser(user),
      });
      this.logger.log(`Created the first admin ${email}`);
      return { email, password: password ? null : plain };
    });
  }
}
