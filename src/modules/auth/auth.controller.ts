import { Body, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBody, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminController } from '../../admin-openapi';
import { ApiErrorResponse, ApiErrors } from '../../openapi';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import {
  Actor,
  AppRequest,
  AuthenticatedUser,
  CurrentActor,
  actorFromRequest,
} from '../../common/actor';
import { NotFound } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { Public, Roles } from '../../platform/http/access.decorators';
import { presentUser } from './entities/user.entity';
import { LoginGuard } from './login.guard';
import { PasswordChangeService } from './password-change.service';
import { LoginDto } from './dto/login.dto';
import { SessionEnvelope } from './dto/user-response.dto';
import { ChangePasswordDto } from './dto/user.dto';
import { SESSION_COOKIE, XSRF_COOKIE, issueSession } from './session';
import { UsersService } from './users.service';

@AdminController('Session', 'auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordChangeService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginGuard)
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: SessionEnvelope, description: 'Sets the session and XSRF-TOKEN cookies' })
  @ApiErrorResponse(429, '5 failures a minute per account or IP')
  @ApiErrors(400, 422)
  async login(
    @Req() req: AppRequest & { user?: AuthenticatedUser },
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionEnvelope> {
    const authenticated = req.user as AuthenticatedUser;
    await issueSession(req, res, authenticated.id, this.config.cookieSecure);
    req.auth = { user: authenticated };
    await this.audit.record(this.db.manager, actorFromRequest(req), {
      action: 'auth.login',
      targetType: 'user',
      targetId: authenticated.id,
    });
    const user = await this.users.findById(authenticated.id);
    if (!user) throw new NotFound();
    return { data: { user: presentUser(user) } };
  }

  @Roles('admin', 'auditor')
  @Get('me')
  @ApiOkResponse({ type: SessionEnvelope })
  async me(@Req() req: AppRequest): Promise<SessionEnvelope> {
    const user = await this.users.findById(req.auth?.user?.id ?? '');
    if (!user) throw new NotFound();
    return { data: { user: presentUser(user) } };
  }

  /**
   * Changes the signed-in user's own password. Every other session of the user stops working;
   * this one is reissued (new session id and XSRF token) and stays signed in.
   */
  @Roles('admin', 'auditor')
  @Post('password')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionEnvelope, description: 'The session is reissued' })
  @ApiErrors(400, 422)
  async changePassword(
    @Req() req: AppRequest,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor: Actor,
    @Body() dto: ChangePasswordDto,
  ): Promise<SessionEnvelope> {
    const { user, changedAt } = await this.passwords.changePassword(actor, dto);
    await issueSession(req, res, user.id, this.config.cookieSecure, changedAt.getTime());
    return { data: { user: presentUser(user) } };
  }

  @Roles('admin', 'auditor')
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Signed out; the cookies are cleared' })
  async logout(
    @Req() req: AppRequest,
    @Res({ passthrough: true }) res: Response,
    @CurrentActor() actor: Actor,
  ) {
    await this.audit.record(this.db.manager, actor, {
      action: 'auth.logout',
      targetType: 'user',
      targetId: actor.id,
    });
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.clearCookie(XSRF_COOKIE, { path: '/' });
  }
}
