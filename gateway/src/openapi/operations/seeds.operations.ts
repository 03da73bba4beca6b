import { simpleQueryRequestSchema } from '@app/contracts';
import { named, type ApiOperation } from '../api-operation';
import { simpleQueryResponseSchema } from '../schemas/openai-responses.schema';
import { ROUTED_ERRORS } from './openai.operations';

export const seedsOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/ai/query',
    tag: 'Seeds',
    auth: 'client',
    summary: 'The simple API: a prompt in, an answer out',
    description:
      'Routed through the default chain (or `model`) with the same failover as chat completions.',
    requestBody: named('SimpleQueryRequest', simpleQueryRequestSchema),
    responses: [
      {
        status: 200,
        description: 'The answer',
        body: named('SimpleQueryResponse', simpleQueryResponseSchema),
      },
    ],
    errors: ROUTED_ERRORS,
  },
];
