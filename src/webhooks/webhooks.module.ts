import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Webhook endpoints, their deliveries from the event outbox, and the dispatcher. */
@Module({
  imports: [EventsModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookDispatcher, WebhookSender, WebhookSecrets],
  exports: [WebhookDispatcher, WebhooksService],
})
export class WebhooksModule {}
