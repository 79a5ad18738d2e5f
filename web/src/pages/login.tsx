import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { session, type User } from '../session';

export function LoginPage({ onSignedIn }: { onSignedIn: (u: User) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section class="panel login" aria-labelledby="login-title">
      <h1 id="login-title">Sign in to toex</h1>
      <p class="muted">
        This system holds OFFICIAL-SENSITIVE police information. Access is for a policing purpose only; every consultation is recorded.
      </p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const r = await api.login(username, password);
            session.signIn(r.token, r.user);
            onSignedIn(r.user);
          } catch (err) {
            const ae = err as ApiError;
            setError(ae.status === 401 ? 'Unknown user name or wrong password.' : ae.message);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="username">User name</label>
        <input id="username" name="username" autocomplete="username" required value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        {error ? <p class="error" role="alert">{error}</p> : null}
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </section>
  );
}
