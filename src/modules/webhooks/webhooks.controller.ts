import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../../common/actor';
import { UuidParam } from '../../common/uuid.pipe';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import { Webhook } from './entities/webhook.entity';
import { WebhooksService } from './webhooks.service';

@ApiExcludeController()
@Controller('api/admin/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  async list() {
    return { data: await this.webhooks.withStats(await this.webhooks.list()) };
  }

  @Post()
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateWebhookDto) {
    const { webhook, secret } = await this.webhooks.create(actor, dto);
    return { data: await this.present(webhook), secret };
  }

  @Get(':id')
  async get(@Param('id', UuidParam) id: string) {
    const [data] = await this.webhooks.withStats([await this.webhooks.get(id)]);
    return { data };
  }

  @Patch(':id')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() dto: UpdateWebhookDto,
  ) {
    return { data: await this.present(await this.webhooks.update(actor, id, dto)) };
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  async rotate(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string) {
    const { webhook, secret } = await this.webhooks.rotateSecret(actor, id);
    return { data: await this.present(webhook), secret };
  }

  @Post(':id/pause')
  @HttpCode(200)
  async pause(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string) {
    return { data: await this.present(await this.webhooks.pause(actor, id)) };
  }

  @Post(':id/resume')
  @HttpCode(200)
  async resume(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string) {
    return { data: await this.present(await this.webhooks.resume(actor, id)) };
  }

  /** A webhook with its delivery figures and live lane state. */
  private async present(webhook: Webhook): Promise<Record<string, unknown>> {
    const [data] = await this.webhooks.withStats([webhook]);
    return data;
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<void> {
    await this.webhooks.remove(actor, id);
  }
}
