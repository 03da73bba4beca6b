import { Module } from '@nestjs/common';
import { DocsRoutes } from './docs-routes';
import { OpenApiController } from './openapi.controller';

/** The API described: `/openapi.json` (OpenAPI 3.1, from the zod schemas) and `/docs`. */
@Module({ controllers: [OpenApiController], providers: [DocsRoutes] })
export class OpenApiModule {}
