import type { ChatMessage, ResponseObject, ResponseOutputItem } from '@app/contracts';

/**
 * A stored Responses API response with what a follow-up turn needs: the conversation it closes,
 * as the internal chat messages (every earlier turn's input and output, this one's input and
 * output; instructions excepted, which OpenAI does not carry over).
 */
export interface StoredResponse {
  response: ResponseObject;
  conversation: ChatMessage[];
}

/**
 * Responses kept for `previous_response_id`, `item_reference`, `GET` and `DELETE
 * /v1/responses/{id}`: hot state with a time to live (RESPONSES_TTL_SECONDS), scoped by tenant,
 * so one tenant can never read, continue or delete another's. Memory and Redis implementations
 * pass the same conformance suite; one is chosen at boot from REDIS_URL.
 */
export interface ResponseStore {
  get(scope: string, id: string): Promise<StoredResponse | undefined>;
  /** Stores a response and indexes its output items by id, both for `ttlSeconds` (> 0). */
  put(scope: string, stored: StoredResponse, ttlSeconds: number): Promise<void>;
  /** An output item of a response this scope stored, by the item's id. */
  getItem(scope: string, itemId: string): Promise<ResponseOutputItem | undefined>;
  /** Removes a response and its items; false when this scope has no such response. */
  delete(scope: string, id: string): Promise<boolean>;
}
