import {
  applyDecorators,
  Body,
  Delete,
  Get,
  HttpCode,
  Inject,
  Patch,
  Post,
  type Type,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminController } from '../../admin-openapi';
import { ApiErrors } from '../../openapi';
import { Actor, CurrentActor } from '../../common/actor';
import { UuidId } from '../../common/uuid.pipe';
import {
  WebhookEnvelope,
  WebhookList,
  WebhookResponse,
  WebhookWithSecret,
} from './dto/webhook-response.dto';
import { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto';
import { Webhook, presentWebhook } from './entities/webhook.entity';
import { WEBHOOK_STATS, WebhookStatsSource, WebhooksService } from './webhooks.service';

/** `POST :id/<action>` on one webhook: 200 with the webhook after it, 404 when there is none. */
const WebhookAction = (action: string, type: Type, description: string) =>
  applyDecorators(
    Post(`:id/${action}`),
    HttpCode(200),
    ApiOkResponse({ type, description }),
    ApiErrors(404),
  );

@AdminController('Webhooks', 'webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    @Inject(WEBHOOK_STATS) private readonly stats: WebhookStatsSource,
  ) {}

  @Get()
  @ApiOkResponse({ type: WebhookList })
  async list(): Promise<WebhookList> {
    return { data: await this.withStats(await this.webhooks.list()) };
  }

  @Post()
  @ApiCreatedResponse({ type: WebhookWithSecret, description: 'The only time the secret is shown' })
  @ApiErrors(400, 422)
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateWebhookDto,
  ): Promise<WebhookWithSecret> {
    const { webhook, secret } = await this.webhooks.create(actor, dto);
    return { data: await this.present(webhook), secret };
  }

  @Get(':id')
  @ApiOkResponse({ type: WebhookEnvelope })
  @ApiErrors(404)
  async get(@UuidId() id: string): Promise<WebhookEnvelope> {
    const [data] = await this.withStats([await this.webhooks.get(id)]);
    return { data };
  }

  @Patch(':id')
  @ApiOkResponse({ type: WebhookEnvelope })
  @ApiErrors(400, 404, 422)
  async update(
    @CurrentActor() actor: Actor,
    @UuidId() id: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookEnvelope> {
    return { data: await this.present(await this.webhooks.update(actor, id, dto)) };
  }

  @WebhookAction('rotate-secret', WebhookWithSecret, 'The old secret stops signing at once')
  async rotate(@CurrentActor() actor: Actor, @UuidId() id: string): Promise<WebhookWithSecret> {
    const { webhook, secret } = await this.webhooks.rotateSecret(actor, id);
    return { data: await this.present(webhook), secret };
  }

  @WebhookAction('pause', WebhookEnvelope, 'Pausing a paused webhook is a no-op')
  async pause(@CurrentActor() actor: Actor, @UuidId() id: string): Promise<WebhookEnvelope> {
    return { data: await this.present(await this.webhooks.pause(actor, id)) };
  }

  @WebhookAction('resume', WebhookEnvelope, 'Also lifts a suspension')
  async resume(@CurrentActor() actor: Actor, @UuidId() id: string): Promise<WebhookEnvelope> {
    return { data: await this.present(await this.webhooks.resume(actor, id)) };
  }

  /** A webhook with its delivery figures and live lane state. */
  private async present(webhook: Webhook): Promise<WebhookResponse> {
    const [data] = await this.withStats([webhook]);
    return data;
  }

  /** Each webhook with its delivery figures and lane state (from the deliveries module). */
  private async withStats(webhooks: Webhook[]): Promise<WebhookResponse[]> {
    const stats = await this.stats.webhookStats(webhooks.map((w) => w.id));
    // Every id asked for has an entry (WebhookStatsSource).
    return webhooks.map((w) => ({ ...presentWebhook(w), ...stats.get(w.id)! }));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; its delivery history stays until it expires' })
  @ApiErrors(404)
  async remove(@CurrentActor() actor: Actor, @UuidId() id: string): Promise<void> {
    await this.webhooks.remove(actor, id);
  }
}
