import { useCallback, useEffect, useState } from 'react';
import { api, apiFetch, errorMessage, onUnauthorized, type ConsoleSession } from './api';
import { ErrorNote, Loading } from './components/feedback';
import { PAGES, useCurrentPage, type PagePath } from './navigation';
import { PlaygroundPage } from './pages/playground-page';
import { ProvidersPage } from './pages/providers-page';
import { RagPage } from './pages/rag-page';
import { RoutesPage } from './pages/routes-page';
import { SignInPage } from './pages/sign-in-page';
import { TenantsPage } from './pages/tenants-page';
import { UsagePage } from './pages/usage-page';

export function App() {
  const [session, setSession] = useState<ConsoleSession>();
  const [sessionError, setSessionError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [page, navigate] = useCurrentPage();
  /** A tenant key handed from the Tenants page to the playground; memory only, never stored. */
  const [playgroundKey, setPlaygroundKey] = useState('');

  const loadSession = useCallback(async () => {
    try {
      setSession(await api<ConsoleSession>('/ui/session'));
      setSessionError(undefined);
    } catch (error) {
      setSessionError(errorMessage(error));
    }
  }, []);

  useEffect(() => {
    void loadSession();
  }, [loadSession]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setNotice('Your session has ended: sign in again.');
        setSession((current) => (current ? { ...current, authenticated: false } : current));
      }),
    [],
  );

  const signOut = async () => {
    await apiFetch('/ui/session', { method: 'DELETE' }).catch(() => undefined);
    setPlaygroundKey('');
    setNotice('Signed out.');
    await loadSession();
  };

  if (!session) {
    return (
      <main className="centered">
        {sessionError ? <ErrorNote message={sessionError} /> : <Loading label="Connecting…" />}
      </main>
    );
  }
  if (!session.authenticated) {
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(next) => {
          setNotice(undefined);
          setSession(next);
        }}
      />
    );
  }

  const usePlaygroundKey = (key: string) => {
    setPlaygroundKey(key);
    navigate('/ui/playground');
  };

  return (
    <div className="layout">
      <nav className="sidebar" aria-label="Console pages">
        <div className="brand">AI Gateway</div>
        <ul>
          {PAGES.map((entry) => (
            <li key={entry.path}>
              <a
                href={entry.path}
                aria-current={entry.path === page ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(entry.path);
                }}
              >
                {entry.label}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          <a href="/docs" target="_blank" rel="noreferrer">
            API reference
          </a>
          {session.admin_key_required ? (
            <button type="button" className="link-button" onClick={() => void signOut()}>
              Sign out
            </button>
          ) : null}
        </div>
      </nav>
      <main className="content">
        {!session.admin_key_required ? (
          <p className="warning" role="note">
            ADMIN_API_KEY is not set: the admin API is open to anyone who can reach this gateway.
          </p>
        ) : null}
        <CurrentPage
          page={page}
          onUsePlaygroundKey={usePlaygroundKey}
          playgroundKey={playgroundKey}
          setPlaygroundKey={setPlaygroundKey}
        />
      </main>
    </div>
  );
}

function CurrentPage(props: {
  page: PagePath;
  onUsePlaygroundKey: (key: string) => void;
  playgroundKey: string;
  setPlaygroundKey: (key: string) => void;
}) {
  switch (props.page) {
    case '/ui/providers':
      return <ProvidersPage />;
    case '/ui/routes':
      return <RoutesPage />;
    case '/ui/tenants':
      return <TenantsPage onUseKey={props.onUsePlaygroundKey} />;
    case '/ui/usage':
      return <UsagePage />;
    case '/ui/playground':
      return (
        <PlaygroundPage apiKey={props.playgroundKey} onApiKeyChange={props.setPlaygroundKey} />
      );
    case '/ui/rag':
      return <RagPage />;
  }
}
