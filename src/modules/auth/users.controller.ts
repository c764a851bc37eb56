import { Body, Get, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminController } from '../../admin-openapi';
import { ApiErrors } from '../../openapi';
import { Actor, CurrentActor } from '../../common/actor';
import { UuidId } from '../../common/uuid.pipe';
import { UserEnvelope, UserList } from './dto/user-response.dto';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { presentUser } from './entities/user.entity';
import { UsersService } from './users.service';

@AdminController('Users', 'users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: UserList })
  async list(): Promise<UserList> {
    return { data: (await this.users.list()).map(presentUser) };
  }

  @Post()
  @ApiCreatedResponse({ type: UserEnvelope })
  @ApiErrors(400, 409, 422)
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserEnvelope> {
    return { data: presentUser(await this.users.create(actor, dto)) };
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserEnvelope })
  @ApiErrors(400, 404, 409, 422)
  async update(
    @CurrentActor() actor: Actor,
    @UuidId() id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserEnvelope> {
    return { data: presentUser(await this.users.update(actor, id, dto)) };
  }
}
