import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensService } from './api-tokens.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { LocalStrategy } from './local.strategy';
import { PasswordChangeService } from './password-change.service';
import { ThrottleService } from './throttle.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenEntity } from './entities/api-token.entity';
import { User } from './entities/user.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([ApiTokenEntity, User]),
    PassportModule.register({ session: false }),
  ],
  controllers: [AuthController, UsersController, ApiTokensController],
  providers: [
    UsersService,
    PasswordChangeService,
    ApiTokensService,
    ThrottleService,
    LocalStrategy,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [UsersService, ApiTokensService],
})
export class AuthModule {}
