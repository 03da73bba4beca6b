import { useEffect, useState } from 'react';
import { Line } from 'react-chartjs-2';
import { api, type CircuitState, type ProviderInsight, type ProviderList } from '../api';
import { seriesColour } from '../charts';
import { Badge, Empty, ErrorNote, Loading, Section } from '../components/feedback';
import { formatMs, formatNumber, formatPercent, formatTime, relativeTime } from '../format';
import { useAction, useApi } from '../hooks';

const POLL_MS = 2000;
const HISTORY_POINTS = 90;

const CIRCUIT_TONE: Record<CircuitState, 'ok' | 'warn' | 'bad'> = {
  closed: 'ok',
  half_open: 'warn',
  open: 'bad',
};

interface Sample {
  at: string;
  p99: Record<string, number | null>;
}

export function ProvidersPage() {
  const providers = useApi<ProviderList>('/admin/providers', POLL_MS);
  const { busy, error, run } = useAction();
  const history = useLatencyHistory(providers.data);

  const reset = async (id?: string) => {
    await run(() =>
      api(id ? `/admin/providers/${encodeURIComponent(id)}/reset` : '/admin/reset', {
        method: 'POST',
      }),
    );
    await providers.reload();
  };

  const list = providers.data;
  return (
    <>
      <h1>Providers</h1>
      <Section
        title="Circuits and traffic"
        actions={
          <>
            <span className="muted small">
              {list
                ? `live, every ${POLL_MS / 1000} s · updated ${formatTime(list.generated_at)}`
                : null}
            </span>
            <button type="button" disabled={busy || !list} onClick={() => void reset()}>
              Reset all circuits
            </button>
          </>
        }
      >
        <ErrorNote message={providers.error ?? error} />
        {!list && providers.loading ? <Loading /> : null}
        {list && list.data.length === 0 ? (
          <Empty>
            No provider is configured. Set OPENAI_API_KEY, OLLAMA_BASE_URL, … and restart.
          </Empty>
        ) : null}
        {list && list.data.length > 0 ? (
          <table className="table" aria-label="Providers">
            <thead>
              <tr>
                <th>Provider</th>
                <th>Circuit</th>
                <th className="number">Failures in a row</th>
                <th>Retry at</th>
                <th className="number">
                  Requests ({Math.round(list.recent_window_seconds / 60) || '<1'} min)
                </th>
                <th className="number">Error rate</th>
                <th className="number">p50</th>
                <th className="number">p99</th>
                <th>Last error</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.map((provider) => (
                <ProviderRow
                  key={provider.id}
                  provider={provider}
                  busy={busy}
                  onReset={() => void reset(provider.id)}
                />
              ))}
            </tbody>
          </table>
        ) : null}
        {list ? (
          <p className="muted small">
            Requests, error rate and latency are upstream attempts over the last{' '}
            {list.recent_window_seconds} s, from the gateway's own metrics (since start in the
            tooltip). Latency is the whole call, or the first chunk for streams.
          </p>
        ) : null}
      </Section>
      {history.length > 1 && list && list.data.length > 0 ? (
        <Section title="Latency p99 while this page is open">
          <div className="chart">
            <Line
              aria-label="Latency p99 per provider"
              data={{
                labels: history.map((sample) => sample.at),
                datasets: list.data.map((provider, index) => ({
                  label: provider.id,
                  data: history.map((sample) => sample.p99[provider.id] ?? null),
                  borderColor: seriesColour(index),
                  backgroundColor: seriesColour(index),
                  spanGaps: true,
                  pointRadius: 0,
                })),
              }}
              options={{
                maintainAspectRatio: false,
                scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } },
              }}
            />
          </div>
        </Section>
      ) : null}
    </>
  );
}

function ProviderRow({
  provider,
  busy,
  onReset,
}: {
  provider: ProviderInsight;
  busy: boolean;
  onReset: () => void;
}) {
  const since = provider.since_start;
  return (
    <tr data-provider={provider.id}>
      <td>
        <strong>{provider.id}</strong>
        <div className="muted small">{provider.type}</div>
      </td>
      <td>
        <Badge tone={CIRCUIT_TONE[provider.circuit_state]}>
          <span data-testid={`circuit-${provider.id}`}>
            {provider.circuit_state.replace('_', '-')}
          </span>
        </Badge>
      </td>
      <td className="number">{provider.consecutive_failures}</td>
      <td>
        {provider.retry_at
          ? `${formatTime(provider.retry_at)} (${relativeTime(provider.retry_at)})`
          : '—'}
      </td>
      <td className="number" title={`since start: ${formatNumber(since.requests)}`}>
        {formatNumber(provider.recent.requests)}
      </td>
      <td className="number" title={`since start: ${formatPercent(since.error_rate)}`}>
        {formatPercent(provider.recent.error_rate)}
      </td>
      <td className="number" title={`since start: ${formatMs(since.latency_p50_ms)}`}>
        {formatMs(provider.recent.latency_p50_ms)}
      </td>
      <td className="number" title={`since start: ${formatMs(since.latency_p99_ms)}`}>
        {formatMs(provider.recent.latency_p99_ms)}
      </td>
      <td className="small">
        {provider.last_error ? (
          <>
            {provider.last_error}
            <div className="muted">{formatTime(provider.last_error_at)}</div>
          </>
        ) : (
          '—'
        )}
      </td>
      <td>
        <button
          type="button"
          className="secondary"
          disabled={busy || provider.circuit_state === 'closed'}
          onClick={onReset}
          aria-label={`Reset the circuit of ${provider.id}`}
        >
          Reset
        </button>
      </td>
    </tr>
  );
}

/** p99 per provider at each poll, kept in memory for the chart. */
function useLatencyHistory(list: ProviderList | undefined): Sample[] {
  const [history, setHistory] = useState<Sample[]>([]);
  useEffect(() => {
    if (!list) return;
    const sample: Sample = {
      at: new Date(list.generated_at).toLocaleTimeString('en-GB', { hour12: false }),
      p99: Object.fromEntries(
        list.data.map((provider) => [provider.id, provider.recent.latency_p99_ms]),
      ),
    };
    setHistory((previous) => [...previous, sample].slice(-HISTORY_POINTS));
  }, [list]);
  return history;
}
