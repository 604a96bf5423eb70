import { Controller, Get, Headers, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PROGRESS_FEED, type ProgressFeed } from '../../../application/realtime/progress-feed.js';
import type { ProgressMessage } from '../../../application/realtime/progress-message.js';
import { invalid, notFound } from '../../../domain/shared/domain-error.js';
import { CONNECTION_GAUGE, type ConnectionGauge } from '../../../application/ports/observability.port.js';
import { REALTIME_OPTIONS, type RealtimeOptions } from '../../realtime/progress.options.js';
import { type AuthUser, CurrentUser } from '../auth.js';
import { uuidParam } from '../schemas/common.schemas.js';
import { positionParam, type ProgressQuery, progressQuery } from '../schemas/progress.schemas.js';
import { ZodPipe } from '../zod.pipe.js';

/** Server-sent events: the same messages as the WebSocket, `id:` = position, resumable. */
@Controller('projects')
export class ProgressController {
  constructor(
    @Inject(PROGRESS_FEED) private readonly feed: ProgressFeed,
    @Inject(REALTIME_OPTIONS) private readonly options: RealtimeOptions,
    @Inject(CONNECTION_GAUGE) private readonly connections: ConnectionGauge,
  ) {}

  @Get(':id/events/stream')
  async stream(
    @CurrentUser() user: AuthUser,
    @Param('id', new ZodPipe(uuidParam)) projectId: string,
    @Query(new ZodPipe(progressQuery)) query: ProgressQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    let since = query.since ?? null;
    if (lastEventId !== undefined) {
      const parsed = positionParam.safeParse(lastEventId.trim());
      if (!parsed.success)
        throw invalid('PROGRESS.INVALID_LAST_EVENT_ID', 'Last-Event-ID: must be a message position');
      since = Math.max(since ?? 0, parsed.data);
    }
    const access = await this.feed.access(projectId, user.id);
    // Another user's project is answered exactly like a missing one, as REST does.
    if (access !== 'ok') throw notFound('PROJECT.NOT_FOUND', `project ${projectId} not found`);

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setNoDelay(true);
    this.connections.inc({ transport: 'sse' });

    let closed = false;
    let stop: (() => void) | null = null;
    const keepAlive = setInterval(() => write(': keep-alive\n\n'), this.options.keepAliveMs);
    const end = () => {
      if (closed) return;
      closed = true;
      clearInterval(keepAlive);
      this.connections.dec({ transport: 'sse' });
      stop?.();
      res.end();
    };
    const write = (chunk: string) => {
      if (closed) return;
      if (res.writableLength > this.options.maxBufferedBytes) {
        // Told in the stream itself; a client that reconnects with Last-Event-ID loses nothing.
        res.write('event: error\ndata: {"reason":"client too slow"}\n\n');
        end();
        res.destroy();
        return;
      }
      res.write(chunk);
    };
    const send = (message: ProgressMessage) =>
      write(`id: ${message.position}\nevent: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`);
    res.on('close', end);
    write('retry: 2000\n\n');
    const unsubscribe = await this.feed.open(projectId, since, send).catch((error: unknown) => {
      end();
      throw error;
    });
    if (closed) unsubscribe();
    else stop = unsubscribe;
  }
}
