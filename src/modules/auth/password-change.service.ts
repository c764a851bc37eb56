import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../common/actor';
import { NotFound, TooManyRequests, fieldError } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import { ChangePasswordDto } from './dto/user.dto';
import { User } from './entities/user.entity';
import { hashPassword, verifyPassword } from './passwords';
import { ThrottleService } from './throttle.service';
import { UsersService } from './users.service';

@Injectable()
export class PasswordChangeService {
  constructor(
    @InjectRepository(User) private readonly userRepo: Repository<User>,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly throttle: ThrottleService,
  ) {}

  /**
   * The actor's own password: the current one is checked first, under the login throttle (a
   * stolen session cannot guess it faster than a login could), then replaced; audited as
   * `user.password_changed` (no password material). Sessions issued before `changedAt` are
   * refused from now on.
   */
  async changePassword(
    actor: Actor,
    dto: ChangePasswordDto,
  ): Promise<{ user: User; changedAt: Date }> {
    const current = actor.id ? await this.users.findById(actor.id) : null;
    if (!current || actor.type !== 'user') throw new NotFound();
    const wait = await this.throttle.reserveLoginAttempt(current.email, actor.ip);
    if (wait > 0) throw new TooManyRequests(wait);
    if (!(await verifyPassword(current.passwordHash, dto.current_password))) {
      throw fieldError('current_password', 'current_password is not your current password');
    }
    await this.throttle.loginSucceeded(current.email, actor.ip);
    if (dto.new_password === dto.current_password) {
      throw fieldError('new_password', 'new_password must differ from the current password');
    }
    const passwordHash = await hashPassword(dto.new_password);
    const changedAt = new Date();
    const user = await this.userRepo.manager.transaction(async (tx) => {
      const repo = tx.getRepository(User);
      const row = await repo.findOne({
        where: { id: current.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) throw new NotFound();
      row.passwordHash = passwordHash;
      row.passwordChangedAt = changedAt;
      await repo.save(row);
      await this.audit.record(tx, actor, {
        action: 'user.password_changed',
        targetType: 'user',
        targetId: row.id,
      });
      return row;
    });
    return { user, changedAt };
  }
}
