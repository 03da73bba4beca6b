import type { ApiOperation } from '../api-operation';
import { adminOperations } from './admin.operations';
import { anthropicOperations } from './anthropic.operations';
import { consoleOperations } from './console.operations';
import { openaiOperations } from './openai.operations';
import { opsOperations } from './ops.operations';
import { ragOperations } from './rag.operations';
import { seedsOperations } from './seeds.operations';

/**
 * Every route of the API. A new surface adds its list here (or entries to an existing list);
 * `openapi-coverage.spec.ts` fails while a Nest route has no entry.
 */
export const API_OPERATIONS: ApiOperation[] = [
  ...openaiOperations,
  ...anthropicOperations,
  ...ragOperations,
  ...seedsOperations,
  ...adminOperations,
  ...opsOperations,
  ...consoleOperations,
];
