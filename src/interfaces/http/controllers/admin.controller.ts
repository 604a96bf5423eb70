import { Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import {
  PROJECTION_ADMIN,
  type ProjectionAdmin,
  type ProjectionStatus,
} from '../../../application/ports/read-models.port.js';
import { conflict, notFound } from '../../../domain/shared/domain-error.js';
import { AdminGuard } from '../admin.guard.js';

const toView = (p: ProjectionStatus) => ({
  name: p.name,
  version: p.version,
  stored_version: p.storedVersion,
  status: p.status,
  checkpoint: p.checkpoint,
  head: p.head,
  lag: p.lag,
  tables: p.tables,
  rebuild: p.rebuild,
});

/** Operators: read models and their rebuilds. Admins only (403 for everyone else). */
@UseGuards(AdminGuard)
@Controller('admin/projections')
export class AdminController {
  constructor(@Inject(PROJECTION_ADMIN) private readonly projections: ProjectionAdmin) {}

  @Get()
  async list() {
    return { items: (await this.projections.status()).map(toView) };
  }

  /** Rebuilds every projection in one pass over the log, in the background. */
  @Post('rebuild')
  @HttpCode(202)
  async rebuildAll() {
    const started = this.projections.startRebuild(this.projections.names);
    return { started, items: (await this.projections.status()).map(toView) };
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  async rebuild(@Param('name') name: string) {
    if (!this.projections.names.includes(name)) {
      throw notFound(
        'PROJECTION.NOT_FOUND',
        `name: no projection ${JSON.stringify(name)}; known: ${this.projections.names.join(', ')}`,
      );
    }
    if (this.projections.rebuildStatus(name).state === 'rebuilding') {
      throw conflict('PROJECTION.REBUILDING', `${name} is already rebuilding`, { field: 'name' });
    }
    const started = this.projections.startRebuild([name]);
    return { started, items: (await this.projections.status()).map(toView) };
  }
}
