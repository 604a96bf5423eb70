import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { Public } from '../../../src/interfaces/http/auth.js';
import { buildOpenApiDocument } from '../../../src/interfaces/http/openapi/openapi.document.js';
import { nestRoutes } from '../../../src/interfaces/http/openapi/nest-routes.js';
import { RateLimit } from '../../../src/interfaces/http/rate-limit.guard.js';
import { ZodPipe } from '../../../src/interfaces/http/zod.pipe.js';

const widgetBody = z.strictObject({
  name: z.string().min(1),
  size: z.number().int().max(10).default(1),
});
const listQuery = z.object({ cursor: z.string().optional(), limit: z.coerce.number().int().max(50) });

/** A controller written the way the app's are: no OpenAPI annotations at all. */
@Controller('widgets')
class WidgetsController {
  @Get()
  list(@Query(new ZodPipe(listQuery)) query: unknown) {
    return query;
  }

  @RateLimit('generation')
  @Post(':id/copies')
  @HttpCode(202)
  copy(@Param('id', new ZodPipe(z.uuid())) id: string, @Body(new ZodPipe(widgetBody)) body: unknown) {
    return { id, body };
  }

  @Delete(':id')
  remove(@Param('id') id: string, @Headers('if-match') ifMatch: string | undefined) {
    return { id, ifMatch };
  }

  @Public()
  @Get('catalogue/:slug')
  catalogue() {
    return [];
  }

  helper() {
    return 'not a route';
  }
}

describe('OpenAPI from Nest route metadata and zod pipes', () => {
  const routes = nestRoutes([WidgetsController], 'api/v1');
  const doc = buildOpenApiDocument(routes, { title: 't', version: '1' }, {});

  it('finds every decorated handler, with the global prefix and its HTTP code, and nothing else', () => {
    expect(routes.map((r) => [r.method, r.path, r.status]).sort()).toEqual([
      ['delete', '/api/v1/widgets/:id', 200],
      ['get', '/api/v1/widgets', 200],
      ['get', '/api/v1/widgets/catalogue/:slug', 200],
      ['post', '/api/v1/widgets/:id/copies', 202],
    ]);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/widgets',
      '/api/v1/widgets/catalogue/{slug}',
      '/api/v1/widgets/{id}',
      '/api/v1/widgets/{id}/copies',
    ]);
  });

  it('takes bodies, path and query parameters from the schemas the pipes validate with', () => {
    const copy = doc.paths['/api/v1/widgets/{id}/copies']!.post! as any;
    const body = copy.requestBody.content['application/json'].schema;
    expect(body).toMatchObject({
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1 },
        size: { type: 'integer', maximum: 10, default: 1 },
      },
    });
    expect(copy.parameters[0]).toMatchObject({
      name: 'id',
      in: 'path',
      required: true,
      schema: { format: 'uuid' },
    });
    expect(Object.keys(copy.responses).sort()).toEqual(['202', '400', '401', '404', '413', '429', '500']);

    const list = doc.paths['/api/v1/widgets']!.get! as any;
    expect(list.parameters.filter((p: any) => p.in === 'query')).toEqual([
      { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
      {
        name: 'limit',
        in: 'query',
        required: true,
        schema: expect.objectContaining({ type: 'integer', maximum: 50 }),
      },
    ]);
  });

  it('marks @Public routes open and everything else bearer-protected; path params never go missing', () => {
    const catalogue = doc.paths['/api/v1/widgets/catalogue/{slug}']!.get! as any;
    expect(catalogue.security).toEqual([]);
    expect(catalogue.parameters[0]).toMatchObject({ name: 'slug', in: 'path', required: true });
    const remove = doc.paths['/api/v1/widgets/{id}']!.delete! as any;
    expect(remove.security).toEqual([{ bearerAuth: [] }]);
    expect(remove.parameters.map((p: any) => [p.name, p.in])).toEqual([
      ['id', 'path'],
      ['if-match', 'header'],
      ['X-Correlation-Id', 'header'],
    ]);
    expect(remove.responses['412']).toEqual({ $ref: '#/components/responses/Error412' });
  });
});
