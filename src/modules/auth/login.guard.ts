import {
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { ValidationFailed } from '../../common/errors';
import { validatePlain } from '../../common/validation';
import { LoginDto } from './dto/login.dto';

/**
 * Whether a request comes from the console's own origin as far as the browser tells: a
 * cross-site `Sec-Fetch-Site`, or an `Origin` whose host is not the one the request was sent to
 * (`Origin: null` included), is refused. Clients that send neither (scripts, curl) are not
 * browsers posting on someone else's behalf.
 */
export function sameOrigin(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    // req.host is X-Forwarded-Host when a trusted proxy (TRUST_PROXY) rewrote Host.
    const host = new URL(origin).host;
    return host === req.headers.host || host === req.host;
  } catch {
    return false;
  }
}

/**
 * The login takes JSON only (a cross-site HTML form can only post form, multipart or text
 * bodies) from the console's own origin; then validates the body like every other route (422)
 * and lets passport-local authenticate.
 */
@Injectable()
export class LoginGuard extends AuthGuard('local') {
  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (!sameOrigin(req)) throw new ForbiddenException();
    if (!req.is('application/json')) {
      throw new HttpException(
        { message: 'Send the login as JSON (Content-Type: application/json).' },
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    }
    const body: unknown = req.body;
    const result = validatePlain(LoginDto, typeof body === 'object' && body !== null ? body : {});
    if ('errors' in result) throw new ValidationFailed(result.errors);
    return (await super.canActivate(ctx)) as boolean;
  }
}
