import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { ValidationFailed } from '../../common/errors';
import { validatePlain } from '../../common/validation';
import { LoginDto } from './dto/login.dto';

/** Validates the body like every other route (422), then lets passport-local authenticate. */
@Injectable()
export class LoginGuard extends AuthGuard('local') {
  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const body: unknown = ctx.switchToHttp().getRequest<Request>().body;
    const result = validatePlain(LoginDto, typeof body === 'object' && body !== null ? body : {});
    if ('errors' in result) throw new ValidationFailed(result.errors);
    return (await super.canActivate(ctx)) as boolean;
  }
}
