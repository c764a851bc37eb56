import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../../common/actor';
import { UuidParam } from '../../common/uuid.pipe';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import { Webhook, presentWebhook } from './entities/webhook.entity';
import { WEBHOOK_STATS, WebhookStatsSource, WebhooksService } from './webhooks.service';

@ApiExcludeController()
@Controller('api/admin/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    @Inject(WEBHOOK_STATS) private readonly stats: WebhookStatsSource,
  ) {}

  @Get()
  async list() {
    return { data: await this.withStats(await this.webhooks.list()) };
  }

  @Post()
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateWebhookDto) {
    const { webhook, secret } = await this.webhooks.create(actor, dto);
    return { data: await this.present(webhook), secret };
  }

  @Get(':id')
  async get(@Param('id', UuidParam) id: string) {
    const [data] = await this.withStats([await this.webhooks.get(id)]);
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
    const [data] = await this.withStats([webhook]);
    return data;
  }

  /** Each webhook with its delivery figures and lane state (from the deliveries module). */
  private async withStats(webhooks: Webhook[]): Promise<Record<string, unknown>[]> {
    const stats = await this.stats.webhookStats(webhooks.map((w) => w.id));
    return webhooks.map((w) => ({ ...presentWebhook(w), ...stats.get(w.id) }));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<void> {
    await this.webhooks.remove(actor, id);
  }
}
