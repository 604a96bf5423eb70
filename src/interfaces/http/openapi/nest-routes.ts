import { RequestMethod, type Type } from '@nestjs/common';
import {
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { ZodType } from 'zod';
import { IS_PUBLIC } from '../auth.js';
import { RATE_LIMIT_POLICY } from '../rate-limit.guard.js';
import { ZodPipe } from '../zod.pipe.js';

/** One request part a handler reads, with the zod schema its pipe validates it with (if any). */
export interface RouteArg {
  kind: 'body' | 'query' | 'param' | 'header';
  /** The decorator's property (`@Param('id')`); undefined for the whole part (`@Query()`). */
  name?: string;
  schema?: ZodType;
}

/** A Nest route as registered, read from the decorators' metadata: nothing is declared twice. */
export interface NestRoute {
  method: string;
  /** Express-style template with the global prefix, e.g. /api/v1/projects/:id */
  path: string;
  controller: string;
  handler: string;
  isPublic: boolean;
  rateLimited: boolean;
  status: number;
  args: RouteArg[];
  description?: string;
}

const KINDS: Partial<Record<RouteParamtypes, RouteArg['kind']>> = {
  [RouteParamtypes.BODY]: 'body',
  [RouteParamtypes.QUERY]: 'query',
  [RouteParamtypes.PARAM]: 'param',
  [RouteParamtypes.HEADERS]: 'header',
};

const paths = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : [value === undefined ? '/' : String(value)];

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

interface ArgMetadata {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

function routeArgs(controller: Type, handler: string): RouteArg[] {
  const metadata = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<
    string,
    ArgMetadata
  >;
  return Object.entries(metadata)
    .map(([key, arg]) => ({ type: Number(key.split(':')[0]), arg }))
    .filter(({ type }) => KINDS[type as RouteParamtypes] !== undefined)
    .sort((a, b) => a.arg.index - b.arg.index)
    .map(({ type, arg }) => {
      const pipe = arg.pipes?.find((p): p is ZodPipe<unknown> => p instanceof ZodPipe);
      return {
        kind: KINDS[type as RouteParamtypes]!,
        name: typeof arg.data === 'string' ? arg.data : undefined,
        schema: pipe?.schema,
      };
    });
}

/** Every route of these controllers, with the global prefix (e.g. 'api/v1'). */
export function nestRoutes(controllers: readonly Type[], globalPrefix: string): NestRoute[] {
  const routes: NestRoute[] = [];
  for (const controller of controllers) {
    const bases = paths(Reflect.getMetadata(PATH_METADATA, controller));
    const classPublic = Reflect.getMetadata(IS_PUBLIC, controller) === true;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      if (name === 'constructor') continue;
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
      const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (methodPath === undefined || requestMethod === undefined) continue;
      const method = RequestMethod[requestMethod]!.toLowerCase();
      const status =
        (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
        (requestMethod === RequestMethod.POST ? 201 : 200);
      const args = routeArgs(controller, name);
      for (const base of bases) {
        for (const sub of paths(methodPath)) {
          routes.push({
            method,
            path: join(globalPrefix, base, sub),
            controller: controller.name,
            handler: name,
            isPublic: classPublic || Reflect.getMetadata(IS_PUBLIC, handler) === true,
            rateLimited: Reflect.getMetadata(RATE_LIMIT_POLICY, handler) !== undefined,
            status,
            args,
          });
        }
      }
    }
  }
  return routes;
}
