import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { InjectDataSource } from '@nestjs/typeorm';
import { Strategy } from 'passport-local';
import { DataSource } from 'typeorm';
import { AppRequest, actorFromRequest } from '../../common/actor';
import { TooManyRequests } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../../common/actor';
import { DUMMY_HASH, verifyPassword } from './passwords';
import { ThrottleService } from './throttle.service';
import { UsersService } from './users.service';

/** passport-local: email + password, throttled per account and per IP, failures audited. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(
    private readonly users: UsersService,
    private readonly throttle: ThrottleService,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  async validate(req: AppRequest, email: string, password: string): Promise<AuthenticatedUser> {
    const actor = actorFromRequest(req);
    const wait = await this.throttle.reserveLoginAttempt(email, actor.ip);
    if (wait > 0) throw new TooManyRequests(wait);
    const user = await this.users.findByEmail(email);
    const ok = await verifyPassword(user?.passwordHash ?? (await DUMMY_HASH), password);
    if (!user || !ok || user.disabled) {
      await this.audit.record(
        this.db.manager,
        { ...actor, type: 'system', id: null, name: null },
        {
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: user?.id ?? null,
          after: {
            email: email.slice(0, 254),
            reason: !user ? 'unknown_account' : user.disabled ? 'disabled' : 'bad_password',
          },
        },
      );
      throw new UnauthorizedException();
    }
    await this.throttle.loginSucceeded(email, actor.ip);
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }
}
