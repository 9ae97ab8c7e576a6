import { useState } from 'preact/hooks';
import { api, ApiError, token } from '../api/client';

/** Asks for the API token, checks it against the engine, and keeps it in this tab's sessionStorage. */
export function SignIn({ onSignedIn, expired }: { onSignedIn: () => void; expired: boolean }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(expired ? 'The engine no longer accepts the token of this tab: sign in again.' : null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const candidate = value.trim();
    if (!candidate) return setError('Enter the API token (the engine prints it at start, or it is API_TOKEN).');
    setBusy(true);
    setError(null);
    try {
      await api('GET', '/v1/channels?limit=1', undefined, { tokenOverride: candidate });
      token.set(candidate);
      onSignedIn();
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? 'The engine refused this token. Check API_TOKEN (or the dev token printed at start) and try again.'
          : `Could not reach the engine: ${caught instanceof Error ? caught.message : String(caught)}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in" id="main">
      <h1>Campaign engine</h1>
      <form onSubmit={submit} class="card" aria-describedby={error ? 'sign-in-error' : undefined}>
        <div class="field">
          <label for="token">API token</label>
          <input id="token" name="token" type="password" autoComplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          <small class="hint">Kept in this browser tab only (sessionStorage); closing the tab forgets it.</small>
        </div>
        {error && (
          <p class="notice error" id="sign-in-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
