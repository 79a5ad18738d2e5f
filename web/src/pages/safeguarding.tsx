import { api, itemsOf } from '../api';
import { ErrorBox, Loading, Section } from '../components';
import { useAsync } from '../hooks';
import { SafeguardingTable } from './dashboard';

export function SafeguardingPage() {
  const res = useAsync(() => api.safeguarding(1, 500).then(itemsOf), []);
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading what="Loading the safeguarding list" />;
  return (
    <>
      <h1>People to safeguard</h1>
      <p>
        Children and people referred to the National Referral Mechanism are potential victims. Each is listed with the
        safeguarding route to follow; nobody on this list is an enforcement target.
      </p>
      <Section title={`Safeguarding list (${res.data.length})`}>
        <div class="table-scroll"><SafeguardingTable rows={res.data} caption="People to safeguard" /></div>
      </Section>
    </>
  );
}
