import { useState, type FormEvent } from 'react';
import { api, type ConsoleSession } from '../api';
import { ErrorNote } from '../components/feedback';
import { useAction } from '../hooks';

/**
 * The admin key goes to the gateway once, in a POST body; what comes back is an HttpOnly
 * cookie. The field is cleared at once and the key is not kept anywhere in the page.
 */
export function SignInPage({
  notice,
  onSignedIn,
}: {
  notice: string | undefined;
  onSignedIn: (session: ConsoleSession) => void;
}) {
  const [key, setKey] = useState('');
  const { busy, error, run } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = key;
    setKey('');
    const session = await run(() =>
      api<ConsoleSession>('/ui/session', { method: 'POST', body: { key: typed } }),
    );
    if (session) onSignedIn(session);
  };

  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={(event) => void submit(event)} autoComplete="off">
        <h1>AI Gateway console</h1>
        <p className="muted">Sign in with the gateway's ADMIN_API_KEY.</p>
        {notice ? <p className="notice">{notice}</p> : null}
        <label>
          Admin API key
          <input
            name="admin-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(event) => setKey(event.target.value)}
            required
            autoFocus
          />
        </label>
        <ErrorNote message={error} />
        <button type="submit" disabled={busy || key === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
