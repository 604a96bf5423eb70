import { Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  CONSUMER_ADMIN,
  type ConsumerAdmin,
  type ConsumerStatus,
  type ParkedEvent,
} from '../../../application/ports/consumer.port.js';
import { EVENT_STORE, type EventStore } from '../../../application/ports/event-store.port.js';
import { AdminGuard } from '../admin.guard.js';
import { uuidParam } from '../schemas/common.schemas.js';
import { type ParkedQuery, parkedQuery } from '../schemas/consumer.schemas.js';
import { ZodPipe } from '../zod.pipe.js';

const IdPipe = new ZodPipe(uuidParam);

const consumerView = (c: ConsumerStatus, head: number) => ({
  name: c.name,
  kind: c.kind,
  state: c.state,
  position: c.position,
  head,
  lag: Math.max(0, head - c.position),
  restarts: c.restarts,
  parked: c.parked,
  last_error: c.lastError,
});

const parkedView = (p: ParkedEvent) => ({
  id: p.id,
  consumer: p.consumer,
  position: p.position,
  event_id: p.eventId,
  event_type: p.eventType,
  stream_id: p.streamId,
  attempts: p.attempts,
  error: p.error,
  status: p.status,
  parked_at: p.parkedAt,
  resolved_at: p.resolvedAt,
});

/** Operators: every consumer of the log in this process, and the events they parked. Admins only. */
@UseGuards(AdminGuard)
@Controller('admin')
export class ConsumersController {
  constructor(
    @Inject(CONSUMER_ADMIN) private readonly consumers: ConsumerAdmin,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('consumers')
  async list() {
    const [statuses, head] = await Promise.all([this.consumers.status(), this.store.headPosition()]);
    return { consumers: statuses.map((c) => consumerView(c, head)) };
  }

  @Get('parked')
  async parked(@Query(new ZodPipe(parkedQuery)) query: ParkedQuery) {
    const { items, total } = await this.consumers.parked.list({
      consumer: query.consumer,
      status: query.status,
      offset: (query.page - 1) * query.page_size,
      limit: query.page_size,
    });
    return { items: items.map(parkedView), total, page: query.page, page_size: query.page_size };
  }

  /** Applies the event again through its consumer (after a fix); 409 with the reason if it fails again. */
  @Post('parked/:id/retry')
  @HttpCode(200)
  async retry(@Param('id', IdPipe) id: string) {
    return parkedView(await this.consumers.retryParked(id));
  }

  @Post('parked/:id/skip')
  @HttpCode(200)
  async skip(@Param('id', IdPipe) id: string) {
    return parkedView(await this.consumers.skipParked(id));
  }
}
