import { useMemo, useState } from 'react';
import { Bar } from 'react-chartjs-2';
import type { Tenant, UsageReport, UsageRow } from '../api';
import { seriesColour } from '../charts';
import { Empty, ErrorNote, Loading, Section } from '../components/feedback';
import { downloadText, toCsv } from '../csv';
import { formatNumber, formatUsd, utcDay } from '../format';
import { useApi } from '../hooks';

type GroupBy = 'tenant_id' | 'model';
type Measure = 'cost_usd' | 'total_tokens' | 'requests';

const MEASURES: Record<Measure, string> = {
  cost_usd: 'Cost (USD)',
  total_tokens: 'Tokens',
  requests: 'Requests',
};

/** Every UTC day from `from` to `to`, so days without traffic show as gaps, not missing bars. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = Date.parse(from); day <= Date.parse(to) && days.length < 400; day += 86_400_000)
    days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}

export function UsagePage() {
  const [from, setFrom] = useState(utcDay(-6));
  const [to, setTo] = useState(utcDay(0));
  const [tenant, setTenant] = useState('');
  const [groupBy, setGroupBy] = useState<GroupBy>('tenant_id');
  const [measure, setMeasure] = useState<Measure>('cost_usd');
  const query = new URLSearchParams({ from, to, ...(tenant ? { tenant } : {}) });
  const report = useApi<UsageReport>(`/admin/usage?${query}`);
  const tenants = useApi<{ data: Tenant[] }>('/admin/tenants');
  const names = useMemo(
    () => new Map((tenants.data?.data ?? []).map((entry) => [entry.id, entry.name])),
    [tenants.data],
  );
  const label = (row: UsageRow) =>
    groupBy === 'model' ? row.model : (names.get(row.tenant_id) ?? row.tenant_id);

  const data = report.data;
  const chart = useMemo(() => {
    if (!data) return undefined;
    const days = daysBetween(data.from, data.to);
    const series = [...new Set(data.data.map(label))].sort();
    return {
      labels: days,
      datasets: series.map((name, index) => ({
        label: name,
        backgroundColor: seriesColour(index),
        data: days.map((day) =>
          data.data
            .filter((row) => row.date === day && label(row) === name)
            .reduce((sum, row) => sum + row[measure], 0),
        ),
      })),
    };
  }, [data, groupBy, measure, names]);

  const exportCsv = () => {
    if (!data) return;
    const header = [
      'date',
      'tenant_id',
      'tenant_name',
      'model',
      'requests',
      'prompt_tokens',
      'completion_tokens',
      'total_tokens',
      'cost_usd',
    ];
    const rows = data.data.map((row) => [
      row.date,
      row.tenant_id,
      names.get(row.tenant_id) ?? '',
      row.model,
      row.requests,
      row.prompt_tokens,
      row.completion_tokens,
      row.total_tokens,
      row.cost_usd,
    ]);
    downloadText(
      `usage-${data.from}-to-${data.to}${tenant ? `-${tenant}` : ''}.csv`,
      toCsv(header, rows),
    );
  };

  return (
    <>
      <h1>Usage and cost</h1>
      <Section
        title="Range"
        actions={
          <>
            <button
              type="button"
              className="secondary"
              onClick={() => void report.reload()}
              disabled={report.loading}
            >
              Refresh
            </button>
            <button type="button" onClick={exportCsv} disabled={!data || data.data.length === 0}>
              Export CSV
            </button>
          </>
        }
      >
        <div className="filters">
          <label>
            From
            <input
              type="date"
              name="from"
              value={from}
              max={to}
              onChange={(event) => setFrom(event.target.value)}
            />
          </label>
          <label>
            To
            <input
              type="date"
              name="to"
              value={to}
              min={from}
              onChange={(event) => setTo(event.target.value)}
            />
          </label>
          <label>
            Tenant
            <select
              name="tenant"
              value={tenant}
              onChange={(event) => setTenant(event.target.value)}
            >
              <option value="">every tenant</option>
              <option value="admin">admin key</option>
              <option value="anonymous">anonymous</option>
              {(tenants.data?.data ?? []).map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Chart by
            <select
              name="group"
              value={groupBy}
              onChange={(event) => setGroupBy(event.target.value as GroupBy)}
            >
              <option value="tenant_id">tenant</option>
              <option value="model">model</option>
            </select>
          </label>
          <label>
            Measure
            <select
              name="measure"
              value={measure}
              onChange={(event) => setMeasure(event.target.value as Measure)}
            >
              {Object.entries(MEASURES).map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorNote message={report.error} />
        {report.loading ? <Loading /> : null}
      </Section>
      {data ? (
        <>
          <div className="stats" aria-label="Totals">
            <Stat label="Requests" value={formatNumber(data.totals.requests)} />
            <Stat label="Prompt tokens" value={formatNumber(data.totals.prompt_tokens)} />
            <Stat label="Completion tokens" value={formatNumber(data.totals.completion_tokens)} />
            <Stat label="Cost" value={formatUsd(data.totals.cost_usd)} />
          </div>
          <Section
            title={`${MEASURES[measure]} per day, by ${groupBy === 'model' ? 'model' : 'tenant'} (UTC)`}
          >
            {data.data.length === 0 ? (
              <Empty>No usage in this range.</Empty>
            ) : (
              <div className="chart">
                <Bar
                  aria-label="Usage per day"
                  data={chart!}
                  options={{
                    maintainAspectRatio: false,
                    scales: {
                      x: { stacked: true },
                      y: {
                        stacked: true,
                        beginAtZero: true,
                        ticks: {
                          callback: (value) =>
                            measure === 'cost_usd'
                              ? formatUsd(Number(value))
                              : formatNumber(Number(value)),
                        },
                      },
                    },
                  }}
                />
              </div>
            )}
          </Section>
          <Section title="Per day, tenant and model">
            {data.data.length === 0 ? (
              <Empty>No rows.</Empty>
            ) : (
              <table className="table" aria-label="Usage rows">
                <thead>
                  <tr>
                    <th>Day</th>
                    <th>Tenant</th>
                    <th>Model</th>
                    <th className="number">Requests</th>
                    <th className="number">Prompt</th>
                    <th className="number">Completion</th>
                    <th className="number">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {data.data.map((row) => (
                    <tr
                      key={`${row.date}/${row.tenant_id}/${row.model}`}
                      data-tenant={row.tenant_id}
                    >
                      <td>{row.date}</td>
                      <td>{names.get(row.tenant_id) ?? row.tenant_id}</td>
                      <td>{row.model}</td>
                      <td className="number">{formatNumber(row.requests)}</td>
                      <td className="number">{formatNumber(row.prompt_tokens)}</td>
                      <td className="number">{formatNumber(row.completion_tokens)}</td>
                      <td className="number">{formatUsd(row.cost_usd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        </>
      ) : null}
    </>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
