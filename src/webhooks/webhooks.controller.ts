import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  AccessTokenGuard,
  Auth,
  type AuthContext,
  RequireScopes,
} from '../auth/access-token.guard';
import {
  CreateWebhookDto,
  ListDeliveriesQuery,
  ListWebhooksQuery,
  ReplayWebhookDto,
  RotateWebhookSecretDto,
  UpdateWebhookDto,
} from './dto/webhook.dto';
import { type WebhookDeliveryView, type WebhookEndpointView } from './webhook.view';
import { type ReplayResult, WebhooksService } from './webhooks.service';

type Page<T> = { data: T[]; next_cursor: string | null };

@Controller('v1/webhooks')
@UseGuards(AccessTokenGuard)
@RequireScopes('webhooks:write')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** The secret is in this answer only. */
  @Post()
  create(
    @Auth() auth: AuthContext,
    @Body() body: CreateWebhookDto,
  ): Promise<WebhookEndpointView & { secret: string }> {
    return this.webhooks.create(auth, body);
  }

  @Get()
  list(
    @Auth() auth: AuthContext,
    @Query() query: ListWebhooksQuery,
  ): Promise<Page<WebhookEndpointView>> {
    return this.webhooks.list(auth, query);
  }

  @Get(':id')
  get(@Auth() auth: AuthContext, @Param('id') id: string): Promise<WebhookEndpointView> {
    return this.webhooks.get(auth, id);
  }

  @Patch(':id')
  update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookEndpointView> {
    return this.webhooks.update(auth, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    return this.webhooks.remove(auth, id);
  }

  /** The new secret is in this answer only; the old one signs too until its grace period ends. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotateSecret(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: RotateWebhookSecretDto,
  ): Promise<WebhookEndpointView & { secret: string }> {
    return this.webhooks.rotateSecret(auth, id, body);
  }

  @Get(':id/deliveries')
  deliveries(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<Page<WebhookDeliveryView>> {
    return this.webhooks.listDeliveries(auth, id, query);
  }

  @Post(':id/deliveries/:delivery_id/retry')
  @HttpCode(202)
  retry(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('delivery_id') deliveryId: string,
  ): Promise<WebhookDeliveryView> {
    return this.webhooks.retryDelivery(auth, id, deliveryId);
  }

  @Post(':id/replay')
  @HttpCode(202)
  replay(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: ReplayWebhookDto,
  ): Promise<ReplayResult> {
    return this.webhooks.replay(auth, id, body);
  }
}
