import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request } from 'express';
import { ValidationFailed } from '../../common/errors';
import { toFieldErrors } from '../../common/validation';
import { LoginDto } from './dto/login.dto';

/** Validates the body like every other route (422), then lets passport-local authenticate. */
@Injectable()
export class LoginGuard extends AuthGuard('local') {
  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const body: unknown = ctx.switchToHttp().getRequest<Request>().body;
    const dto = plainToInstance(LoginDto, typeof body === 'object' && body !== null ? body : {});
    const errors = await validate(dto, {
      whitelist: true,
      forbidNonWhitelisted: true,
      stopAtFirstError: true,
    });
    if (errors.length) throw new ValidationFailed(toFieldErrors(errors));
    return (await super.canActivate(ctx)) as boolean;
  }
}
