import { useEffect, useRef, useState, type FormEvent } from 'react';
import { apiFetch, errorMessage, type Routes } from '../api';
import { ErrorNote, Section } from '../components/feedback';
import { useApi } from '../hooks';
import { sseData } from '../sse';

const SHOWN_HEADERS = [
  'x-gateway-provider',
  'x-gateway-model',
  'x-gateway-attempts',
  'x-cache',
  'x-gateway-cost-usd',
  'x-request-id',
];

interface Outcome {
  headers: Record<string, string | null>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  firstChunkMs?: number;
  totalMs?: number;
  finishReason?: string | null;
}

/** Model names the gateway routes: aliases first, then each provider's models. */
function modelChoices(routes: Routes | undefined): string[] {
  if (!routes) return ['default'];
  const names = [
    ...routes.aliases.map((alias) => alias.alias),
    ...routes.providers.flatMap((provider) => [provider.default_model, ...provider.models]),
    ...routes.providers.map((provider) => `${provider.id}/${provider.default_model}`),
  ];
  return [...new Set(names)];
}

/**
 * Sends a chat through `/v1/chat/completions` exactly as a client would, and shows who answered.
 * Without a key it rides the console session (counted as the admin key); with a tenant key typed
 * or handed over from the Tenants page it runs under that tenant's limits, allow-list and budget.
 * The key lives in page memory only.
 */
export function PlaygroundPage({
  apiKey,
  onApiKeyChange,
}: {
  apiKey: string;
  onApiKeyChange: (key: string) => void;
}) {
  const routes = useApi<Routes>('/admin/routes');
  const choices = modelChoices(routes.data);
  const [model, setModel] = useState('default');
  const [provider, setProvider] = useState('');
  const [system, setSystem] = useState('');
  const [prompt, setPrompt] = useState('Say hello in one sentence.');
  const [temperature, setTemperature] = useState('');
  const [maxTokens, setMaxTokens] = useState('256');
  const [stream, setStream] = useState(true);
  const [answer, setAnswer] = useState('');
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController>(undefined);

  useEffect(() => () => abort.current?.abort(), []);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setAnswer('');
    setOutcome(undefined);
    setError(undefined);
    const started = performance.now();
    const body = {
      model,
      messages: [
        ...(system ? [{ role: 'system', content: system }] : []),
        { role: 'user', content: prompt },
      ],
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      ...(provider ? { provider } : {}),
      ...(temperature !== '' ? { temperature: Number(temperature) } : {}),
      ...(maxTokens !== '' ? { max_tokens: Number(maxTokens) } : {}),
    };
    try {
      const response = await apiFetch('/v1/chat/completions', {
        method: 'POST',
        body,
        signal: controller.signal,
        apiKey: apiKey || undefined,
      });
      const headers = Object.fromEntries(
        SHOWN_HEADERS.map((name) => [name, response.headers.get(name)]),
      );
      setOutcome({ headers });
      if (!stream) {
        const completion = (await response.json()) as {
          choices: { message: { content: string | null }; finish_reason: string | null }[];
          usage?: Outcome['usage'];
        };
        setAnswer(completion.choices[0]?.message.content ?? '');
        setOutcome({
          headers,
          usage: completion.usage,
          totalMs: performance.now() - started,
          finishReason: completion.choices[0]?.finish_reason,
        });
        return;
      }
      let firstChunkMs: number | undefined;
      let usage: Outcome['usage'];
      let finishReason: string | null | undefined;
      for await (const data of sseData(response.body!)) {
        if (data === '[DONE]') break;
        const chunk = JSON.parse(data) as {
          error?: { message: string };
          choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
          usage?: Outcome['usage'];
        };
        if (chunk.error) throw new Error(`The stream failed: ${chunk.error.message}`);
        const piece = chunk.choices?.[0]?.delta?.content;
        if (piece) {
          firstChunkMs ??= performance.now() - started;
          setAnswer((text) => text + piece);
        }
        finishReason = chunk.choices?.[0]?.finish_reason ?? finishReason;
        if (chunk.usage) usage = chunk.usage;
      }
      setOutcome({
        headers,
        usage,
        firstChunkMs,
        totalMs: performance.now() - started,
        finishReason,
      });
    } catch (failure) {
      if ((failure as Error).name === 'AbortError') setError('Stopped.');
      else setError(errorMessage(failure));
    } finally {
      setRunning(false);
    }
  };

  return (
    <>
      <h1>Playground</h1>
      <Section title="Request">
        <form
          className="form-grid"
          onSubmit={(event) => void send(event)}
          aria-label="Chat request"
        >
          <label>
            Model or route
            <input
              name="model"
              list="model-choices"
              value={model}
              onChange={(event) => setModel(event.target.value)}
              required
            />
            <datalist id="model-choices">
              {choices.map((choice) => (
                <option key={choice} value={choice} />
              ))}
            </datalist>
          </label>
          <label>
            Pin a provider (optional)
            <select
              name="provider"
              value={provider}
              onChange={(event) => setProvider(event.target.value)}
            >
              <option value="">route decides</option>
              {(routes.data?.providers ?? []).map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.id}
                </option>
              ))}
            </select>
          </label>
          <label>
            Temperature
            <input
              name="temperature"
              type="number"
              min={0}
              max={2}
              step="0.1"
              value={temperature}
              placeholder="provider default"
              onChange={(event) => setTemperature(event.target.value)}
            />
          </label>
          <label>
            Max tokens
            <input
              name="max_tokens"
              type="number"
              min={1}
              step={1}
              value={maxTokens}
              onChange={(event) => setMaxTokens(event.target.value)}
            />
          </label>
          <label className="wide">
            Tenant key (optional; blank uses your console session)
            <input
              name="api_key"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={apiKey}
              placeholder="gw-sk-…"
              onChange={(event) => onApiKeyChange(event.target.value)}
            />
          </label>
          <label className="wide">
            System message (optional)
            <textarea
              name="system"
              rows={2}
              value={system}
              onChange={(event) => setSystem(event.target.value)}
            />
          </label>
          <label className="wide">
            User message
            <textarea
              name="prompt"
              rows={4}
              value={prompt}
              onChange={(event) => setPrompt(event.target.value)}
              required
            />
          </label>
          <div className="form-actions wide">
            <label className="inline">
              <input
                type="checkbox"
                name="stream"
                checked={stream}
                onChange={(event) => setStream(event.target.checked)}
              />{' '}
              Stream
            </label>
            <button type="submit" disabled={running}>
              {running ? 'Answering…' : 'Send'}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={!running}
              onClick={() => abort.current?.abort()}
            >
              Stop
            </button>
          </div>
        </form>
      </Section>
      <Section title="Answer">
        <ErrorNote message={error} />
        <pre className="answer" aria-label="Answer" aria-busy={running}>
          {answer || (running ? '…' : '')}
        </pre>
        {outcome ? (
          <dl className="facts" aria-label="Response headers">
            {SHOWN_HEADERS.map((name) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd data-header={name}>
                  {outcome.headers[name] ??
                    (name === 'x-gateway-cost-usd' && stream
                      ? 'not sent for streams (see Usage)'
                      : '—')}
                </dd>
              </div>
            ))}
            <div>
              <dt>tokens</dt>
              <dd>
                {outcome.usage
                  ? `${outcome.usage.prompt_tokens} in, ${outcome.usage.completion_tokens} out`
                  : '—'}
              </dd>
            </div>
            <div>
              <dt>first chunk / total</dt>
              <dd>
                {outcome.firstChunkMs !== undefined
                  ? `${Math.round(outcome.firstChunkMs)} ms / `
                  : ''}
                {outcome.totalMs !== undefined ? `${Math.round(outcome.totalMs)} ms` : '…'}
              </dd>
            </div>
            <div>
              <dt>finish reason</dt>
              <dd>{outcome.finishReason ?? '—'}</dd>
            </div>
          </dl>
        ) : null}
      </Section>
    </>
  );
}
