import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../../common/actor';
import { UuidParam } from '../../common/uuid.pipe';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { presentUser } from './entities/user.entity';
import { UsersService } from './users.service';

@ApiExcludeController()
@Controller('api/admin/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list() {
    return { data: (await this.users.list()).map(presentUser) };
  }

  @Post()
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto) {
    return { data: presentUser(await this.users.create(actor, dto)) };
  }

  @Patch(':id')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateUserDto,
  ) {
    return { data: presentUser(await this.users.update(actor, id, dto)) };
  }
}
