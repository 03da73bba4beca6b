import { useState, type FormEvent } from 'react';
import type { Tenant } from '../api';

export interface TenantFormValues {
  name: string;
  rate_limit_rpm: number | null;
  tokens_per_minute: number | null;
  budget_usd: number | null;
  budget_period: Tenant['budget_period'];
  allowed_models: string[] | null;
}

const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text));

/**
 * Create or edit a tenant. Empty fields mean "no limit"; on edit they are sent as null so the
 * gateway clears them (PATCH: null clears, absent keeps).
 */
export function TenantForm({
  initial,
  submitLabel,
  busy,
  onSubmit,
  onCancel,
}: {
  initial?: Tenant;
  submitLabel: string;
  busy: boolean;
  onSubmit: (values: TenantFormValues) => void;
  onCancel?: () => void;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [rpm, setRpm] = useState(initial?.rate_limit_rpm?.toString() ?? '');
  const [tpm, setTpm] = useState(initial?.tokens_per_minute?.toString() ?? '');
  const [budget, setBudget] = useState(initial?.budget_usd?.toString() ?? '');
  const [period, setPeriod] = useState<Tenant['budget_period']>(
    initial?.budget_period ?? 'monthly',
  );
  const [models, setModels] = useState(initial?.allowed_models?.join(', ') ?? '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const allowed = models
      .split(',')
      .map((model) => model.trim())
      .filter(Boolean);
    onSubmit({
      name: name.trim(),
      rate_limit_rpm: numberOrNull(rpm),
      tokens_per_minute: numberOrNull(tpm),
      budget_usd: numberOrNull(budget),
      budget_period: period,
      allowed_models: allowed.length ? allowed : null,
    });
  };

  return (
    <form className="form-grid" onSubmit={submit} aria-label={submitLabel}>
      <label>
        Name
        <input
          name="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          maxLength={200}
        />
      </label>
      <label>
        Requests per minute
        <input
          name="rate_limit_rpm"
          type="number"
          min={0}
          step={1}
          value={rpm}
          placeholder="no limit"
          onChange={(event) => setRpm(event.target.value)}
        />
      </label>
      <label>
        Tokens per minute
        <input
          name="tokens_per_minute"
          type="number"
          min={0}
          step={1}
          value={tpm}
          placeholder="no limit"
          onChange={(event) => setTpm(event.target.value)}
        />
      </label>
      <label>
        Budget (USD)
        <input
          name="budget_usd"
          type="number"
          min={0}
          step="0.01"
          value={budget}
          placeholder="no budget"
          onChange={(event) => setBudget(event.target.value)}
        />
      </label>
      <label>
        Budget period
        <select
          name="budget_period"
          value={period}
          onChange={(event) => setPeriod(event.target.value as Tenant['budget_period'])}
        >
          <option value="daily">daily</option>
          <option value="monthly">monthly</option>
          <option value="total">total</option>
        </select>
      </label>
      <label className="wide">
        Allowed models (comma-separated; empty: every model)
        <input
          name="allowed_models"
          value={models}
          placeholder="default, gpt-4o-mini"
          onChange={(event) => setModels(event.target.value)}
        />
      </label>
      <div className="form-actions wide">
        <button type="submit" disabled={busy || name.trim() === ''}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
