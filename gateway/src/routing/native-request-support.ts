import { anthropicRequestOf, GatewayError, type ChatCompletionRequest } from '@app/contracts';
import type { ChatProvider } from '../providers/chat-provider';

/**
 * A request from an Anthropic client may use what only Anthropic can honour (`top_k`, server
 * tools, MCP servers…): its translation lists those fields as untranslatable. A provider that
 * takes the client's body natively honours them; any other one cannot, and is refused here (400
 * naming the first such field) before its own field table is asked.
 */
export function assertNativeFieldsSupported(
  provider: ChatProvider,
  request: ChatCompletionRequest,
): void {
  const native = anthropicRequestOf(request);
  if (!native || native.untranslatable.length === 0) return;
  if (provider.nativeDialects?.includes('anthropic')) return;
  throw GatewayError.unsupportedField(provider.id, native.untranslatable[0]);
}
