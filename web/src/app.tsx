import { useEffect, useState } from 'preact/hooks';
import { api, setHooks } from './api';
import { ClassificationBanner, PurposeDialog, usePurpose } from './components';
import { askPurpose } from './purpose';
import { go, href, useRoute } from './router';
import { isSupervisor, session, type User } from './session';
import { LoginPage } from './pages/login';
import { DashboardPage } from './pages/dashboard';
import { SearchPage } from './pages/search';
import { EntityPage } from './pages/entity';
import { NetworkPage } from './pages/network';
import { NetworkMapPage } from './pages/networkmap';
import { NetworksPage } from './pages/networks';
import { SafeguardingPage } from './pages/safeguarding';
import { AlertsPage } from './pages/alerts';
import { TasksPage } from './pages/tasks';
import { AuditPage } from './pages/audit';

const NAV: [string, string, (u: User | null) => boolean][] = [
  ['dashboard', 'Dashboard', () => true],
  ['search', 'Search', () => true],
  ['networks', 'Networks', () => true],
  ['safeguarding', 'Safeguarding', () => true],
  ['alerts', 'Alerts', () => true],
  ['tasks', 'Tasking board', () => true],
  ['audit', 'Audit', isSupervisor],
];

function Header({ user, page }: { user: User; page: string }) {
  const purpose = usePurpose();
  const [open, setOpen] = useState(false);
  return (
    <header class="topbar">
      <div class="brand">
        <a href={href('dashboard')} aria-label="toex home">toex</a>
        <span class="muted small">exploitation hub</span>
      </div>
      <button type="button" class="menu-toggle" aria-expanded={open} aria-controls="mainnav" onClick={() => setOpen(!open)}>
        Menu
      </button>
      <nav id="mainnav" aria-label="Main" class={open ? 'open' : ''}>
        <ul>
          {NAV.filter(([, , ok]) => ok(user)).map(([p, label]) => (
            <li>
              <a href={href(p)} aria-current={page === p ? 'page' : undefined} onClick={() => setOpen(false)}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="who">
        <span class="purpose-chip" title="Sent with each consultation of personal data and recorded in the audit trail">
          Purpose: {purpose ? <strong data-testid="purpose">{purpose}</strong> : <em>not set</em>}{' '}
          <button type="button" class="link" onClick={() => askPurpose(null)}>
            {purpose ? 'change' : 'set'}
          </button>
        </span>
        <span class="user" data-testid="signed-in-user">
          Signed in as <strong>{user.display_name || user.username}</strong> <span class="muted">({user.role.replace(/_/g, ' ')}{user.scope_kind ? `, ${user.scope_kind}${user.scope_id ? ' ' + user.scope_id : ''}` : ''})</span>
        </span>
        <button
          type="button"
          onClick={async () => {
            try {
              await api.logout();
            } catch {
              /* the session ends locally anyway */
            }
            session.clear();
            location.hash = '#/login';
            location.reload();
          }}
        >
          Sign out
        </button>
      </div>
    </header>
  );
}

export function App() {
  const route = useRoute();
  const [user, setUser] = useState<User | null>(session.user());

  useEffect(() => {
    setHooks({
      purposeRequired: (err) => askPurpose(err.message || 'A purpose or case reference is required for this consultation.'),
      unauthorised: () => {
        session.clear();
        setUser(null);
        go('#/login');
      },
    });
    if (session.token())
      api.me().then(
        (u) => {
          session.setUser(u);
          setUser(u);
        },
        () => undefined,
      );
  }, []);

  const page = route.path[0] ?? 'dashboard';
  useEffect(() => {
    const titles: Record<string, string> = {
      login: 'Sign in', dashboard: 'Dashboard', search: 'Search', entity: 'Entity profile', network: 'Network',
      networks: 'Networks', safeguarding: 'Safeguarding', alerts: 'Alerts', tasks: 'Tasking board', audit: 'Audit',
    };
    document.title = `${titles[page] ?? 'toex'} · toex · OFFICIAL-SENSITIVE`;
  }, [page]);

  if (!user || !session.token() || page === 'login') {
    return (
      <>
        <ClassificationBanner position="top" />
        <main id="main" class="login-main">
          <LoginPage
            onSignedIn={(u) => {
              setUser(u);
              go(route.query.get('next') ?? '#/dashboard');
            }}
          />
        </main>
        <ClassificationBanner position="bottom" />
      </>
    );
  }

  let body;
  switch (page) {
    case 'search': body = <SearchPage route={route} />; break;
    case 'entity': body = <EntityPage id={route.path[1]} />; break;
    case 'network':
      body = route.path[2] === 'map' ? <NetworkMapPage id={route.path[1]} /> : <NetworkPage id={route.path[1]} focus={route.query.get('focus')} user={user} />;
      break;
    case 'networks': body = <NetworksPage />; break;
    case 'safeguarding': body = <SafeguardingPage />; break;
    case 'alerts': body = <AlertsPage />; break;
    case 'tasks': body = <TasksPage user={user} route={route} />; break;
    case 'audit': body = <AuditPage user={user} />; break;
    default: body = <DashboardPage />;
  }
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <ClassificationBanner position="top" />
      <Header user={user} page={page === 'entity' ? 'search' : page === 'network' ? 'networks' : page} />
      <main id="main" tabIndex={-1}>
        {body}
      </main>
      <ClassificationBanner position="bottom" />
      <PurposeDialog />
    </>
  );
}
