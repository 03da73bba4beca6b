import { Controller, Delete, Get, Inject, Param } from '@nestjs/common';
import { ClientApi } from '../../access/api-metadata';
import type { RequestContext } from '../../request/request-context';
import { Ctx } from '../../request/request-scope';
import { ResponsesService } from '../../responses/responses.service';

/**
 * OpenAI's Responses API, served on every provider (see `responses/`): retrieve and delete a
 * stored response (create is `ResponsesCreateRoute`, a client route). Errors in OpenAI's shape.
 */
@ClientApi({ dialect: 'responses' })
@Controller('v1/responses')
export class ResponsesController {
  constructor(@Inject(ResponsesService) private readonly responses: ResponsesService) {}

  @Get(':id')
  retrieve(@Param('id') id: string, @Ctx() context: RequestContext) {
    return this.responses.retrieve(id, context);
  }

  @Delete(':id')
  delete(@Param('id') id: string, @Ctx() context: RequestContext) {
    return this.responses.delete(id, context);
  }
}
