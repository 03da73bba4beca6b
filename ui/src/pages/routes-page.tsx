import type { Routes } from '../api';
import { Badge, ErrorNote, Loading, Section } from '../components/feedback';
import { useApi } from '../hooks';

const target = (provider: string, model: string | null) =>
  model ? `${provider}/${model}` : provider;

export function RoutesPage() {
  const routes = useApi<Routes>('/admin/routes');
  const data = routes.data;
  return (
    <>
      <h1>Routes</h1>
      <ErrorNote message={routes.error} />
      {!data && routes.loading ? <Loading /> : null}
      {data ? (
        <>
          <Section title="Default chain">
            {data.default_chain.length === 0 ? (
              <p className="muted">No provider configured.</p>
            ) : (
              <ol className="chain" aria-label="Default chain">
                {data.default_chain.map((provider) => (
                  <li key={provider}>{provider}</li>
                ))}
              </ol>
            )}
            <p className="muted small">
              <code>default</code> and <code>auto</code> try these in order; a concrete model tries
              its provider first, then the rest of this chain with their default models.
            </p>
          </Section>
          <Section title="Aliases">
            <table className="table" aria-label="Aliases">
              <thead>
                <tr>
                  <th>Alias (model name)</th>
                  <th>Targets, in order</th>
                  <th>From</th>
                </tr>
              </thead>
              <tbody>
                {data.aliases.map((alias) => (
                  <tr key={alias.alias}>
                    <td>
                      <code>{alias.alias}</code>
                    </td>
                    <td>
                      {alias.targets
                        .map((entry) => target(entry.provider, entry.model))
                        .join(' → ') || '—'}
                    </td>
                    <td>
                      <Badge tone="muted">
                        {alias.source === 'config' ? 'GATEWAY_CONFIG' : 'default chain'}
                      </Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <Section title="Models per provider">
            {data.providers.length === 0 ? (
              <p className="muted">
                No provider configured: set OPENAI_API_KEY, OLLAMA_BASE_URL, … or GATEWAY_CONFIG and
                restart.
              </p>
            ) : null}
            <table className="table" aria-label="Models per provider">
              <thead>
                <tr>
                  <th>Provider</th>
                  <th>Type</th>
                  <th>Default model</th>
                  <th>Models</th>
                  <th>Embeddings</th>
                  <th>Also called</th>
                </tr>
              </thead>
              <tbody>
                {data.providers.map((provider) => (
                  <tr key={provider.id}>
                    <td>
                      <strong>{provider.id}</strong>
                    </td>
                    <td>{provider.type}</td>
                    <td>
                      <code>{provider.default_model}</code>
                    </td>
                    <td>{provider.models.length ? provider.models.join(', ') : '—'}</td>
                    <td>{provider.embedding_model ?? '—'}</td>
                    <td>{provider.aliases.join(', ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <Section title="Resilience">
            <dl className="facts">
              {Object.entries(data.resilience).map(([name, value]) => (
                <div key={name}>
                  <dt>{name.replace(/_/g, ' ')}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </Section>
        </>
      ) : null}
    </>
  );
}
