import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';
import { projectRoot } from '../console/static/console-assets';
import { buildOpenApiDocument } from './openapi-document';
import { API_OPERATIONS } from './operations';

/** `GET /openapi.json`: built once, on first request, from the operations list. */
@Controller()
export class OpenApiController {
  private document: unknown;

  @Get('openapi.json')
  @Header('cache-control', 'no-cache')
  openapi() {
    this.document ??= buildOpenApiDocument(API_OPERATIONS, packageVersion());
    return this.document;
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? '0.0.0';
}
