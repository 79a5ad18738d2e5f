import { api, itemsOf } from '../api';
import { ErrorBox, Loading, Section } from '../components';
import { useAsync } from '../hooks';
import { NetworkTable } from './dashboard';

export function NetworksPage() {
  const res = useAsync(() => api.networks(1, 200).then(itemsOf), []);
  const force = new URLSearchParams(location.hash.split('?')[1] ?? '').get('force');
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading what="Loading networks" />;
  const rows = force ? res.data.filter((n) => (Array.isArray(n.forces) ? n.forces : String(n.forces).split(/,\s*/)).includes(force)) : res.data;
  return (
    <>
      <h1>Networks{force ? ` in ${force}` : ''}</h1>
      <Section title={`Ranked networks (${rows.length})`}>
        <NetworkTable rows={rows} caption="Ranked networks" />
      </Section>
    </>
  );
}
