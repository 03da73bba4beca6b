import { useState } from 'react';
import { api, type IssuedKey, type Tenant } from '../api';
import { Badge, Empty, ErrorNote, Loading, Section } from '../components/feedback';
import { IssuedKeyPanel } from '../components/issued-key';
import { TenantForm, type TenantFormValues } from '../components/tenant-form';
import { formatNumber, formatTime, formatUsd } from '../format';
import { useAction, useApi } from '../hooks';

/** Create sends only what is set; the gateway's create schema has no nulls. */
function createBody(values: TenantFormValues) {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null));
}

export function TenantsPage({ onUseKey }: { onUseKey: (key: string) => void }) {
  const tenants = useApi<{ data: Tenant[] }>('/admin/tenants');
  const { busy, error, run } = useAction();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string>();
  const [issued, setIssued] = useState<IssuedKey>();

  const act = async <T,>(action: () => Promise<T>) => {
    const result = await run(action);
    await tenants.reload();
    return result;
  };

  const create = async (values: TenantFormValues) => {
    const created = await act(() =>
      api<Tenant & { api_key: IssuedKey }>('/admin/tenants', {
        method: 'POST',
        body: createBody(values),
      }),
    );
    if (created) {
      setCreating(false);
      setIssued(created.api_key);
    }
  };

  const update = async (id: string, body: Partial<TenantFormValues> | { disabled: boolean }) => {
    const updated = await act(() =>
      api<Tenant>(`/admin/tenants/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
    );
    if (updated) setEditing(undefined);
  };

  const issueKey = async (id: string) => {
    const key = await act(() =>
      api<IssuedKey>(`/admin/tenants/${encodeURIComponent(id)}/keys`, { method: 'POST' }),
    );
    if (key) setIssued(key);
  };

  const revoke = (keyId: string) =>
    act(() => api(`/admin/keys/${encodeURIComponent(keyId)}`, { method: 'DELETE' }));

  const remove = async (tenant: Tenant) => {
    if (!window.confirm(`Delete tenant ${tenant.name} and all its keys?`)) return;
    await act(() => api(`/admin/tenants/${encodeURIComponent(tenant.id)}`, { method: 'DELETE' }));
  };

  const list = tenants.data?.data;
  return (
    <>
      <h1>Tenants and keys</h1>
      {issued ? (
        <IssuedKeyPanel
          issued={issued}
          tenantName={
            list?.find((entry) => entry.id === issued.tenant_id)?.name ?? issued.tenant_id
          }
          onDismiss={() => setIssued(undefined)}
          onUse={onUseKey}
        />
      ) : null}
      <ErrorNote message={error} />
      <Section
        title="New tenant"
        actions={
          creating ? null : (
            <button type="button" onClick={() => setCreating(true)}>
              New tenant
            </button>
          )
        }
      >
        {creating ? (
          <TenantForm
            submitLabel="Create tenant"
            busy={busy}
            onSubmit={(values) => void create(values)}
            onCancel={() => setCreating(false)}
          />
        ) : (
          <p className="muted small">
            A tenant gets its first key at creation; limits and budgets can be changed later.
          </p>
        )}
      </Section>
      <Section title="Tenants">
        <ErrorNote message={tenants.error} />
        {!list && tenants.loading ? <Loading /> : null}
        {list && list.length === 0 ? <Empty>No tenant yet.</Empty> : null}
        {list?.map((tenant) => (
          <article key={tenant.id} className="tenant" data-tenant={tenant.name}>
            <header className="tenant-header">
              <div>
                <h3>
                  {tenant.name}{' '}
                  {tenant.disabled === true ? (
                    <Badge tone="bad">disabled</Badge>
                  ) : (
                    <Badge tone="ok">active</Badge>
                  )}
                </h3>
                <div className="muted small">
                  <code>{tenant.id}</code> · created {formatTime(tenant.created_at)}
                </div>
              </div>
              <div className="card-actions">
                <button
                  type="button"
                  className="secondary"
                  disabled={busy}
                  onClick={() => setEditing(editing === tenant.id ? undefined : tenant.id)}
                >
                  Edit limits
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={busy}
                  onClick={() => void update(tenant.id, { disabled: !(tenant.disabled === true) })}
                >
                  {tenant.disabled === true ? 'Enable' : 'Disable'}
                </button>
                <button type="button" disabled={busy} onClick={() => void issueKey(tenant.id)}>
                  Issue key
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={busy}
                  onClick={() => void remove(tenant)}
                >
                  Delete
                </button>
              </div>
            </header>
            {editing === tenant.id ? (
              <TenantForm
                initial={tenant}
                submitLabel="Save changes"
                busy={busy}
                onSubmit={(values) => void update(tenant.id, values)}
                onCancel={() => setEditing(undefined)}
              />
            ) : (
              <dl className="facts">
                <div>
                  <dt>Requests / min</dt>
                  <dd>
                    {tenant.rate_limit_rpm === null
                      ? 'no limit'
                      : formatNumber(tenant.rate_limit_rpm)}
                  </dd>
                </div>
                <div>
                  <dt>Tokens / min</dt>
                  <dd>
                    {tenant.tokens_per_minute === null
                      ? 'no limit'
                      : formatNumber(tenant.tokens_per_minute)}
                  </dd>
                </div>
                <div>
                  <dt>Budget</dt>
                  <dd>
                    {tenant.budget_usd === null
                      ? 'none'
                      : `${formatUsd(tenant.budget_usd)} ${tenant.budget_period}`}
                  </dd>
                </div>
                <div>
                  <dt>Models</dt>
                  <dd>{tenant.allowed_models?.join(', ') ?? 'every model'}</dd>
                </div>
              </dl>
            )}
            <table className="table compact" aria-label={`Keys of ${tenant.name}`}>
              <thead>
                <tr>
                  <th>Key</th>
                  <th>Id</th>
                  <th>Created</th>
                  <th>State</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {tenant.keys.map((key) => (
                  <tr key={key.id}>
                    <td>
                      <code>{key.preview}</code>
                    </td>
                    <td className="small">{key.id}</td>
                    <td className="small">{formatTime(key.created_at)}</td>
                    <td>
                      {key.revoked_at ? (
                        <Badge tone="bad">revoked {formatTime(key.revoked_at)}</Badge>
                      ) : (
                        <Badge tone="ok">active</Badge>
                      )}
                    </td>
                    <td>
                      {key.revoked_at ? null : (
                        <button
                          type="button"
                          className="secondary"
                          disabled={busy}
                          onClick={() => void revoke(key.id)}
                          aria-label={`Revoke ${key.preview}`}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </article>
        ))}
      </Section>
    </>
  );
}
