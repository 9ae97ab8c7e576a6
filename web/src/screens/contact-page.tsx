import { useState } from 'preact/hooks';
import { get, post, query } from '../api/client';
import type { ContactDetail, List, Page } from '../api/types';
import { Card, ErrorBox, Field, StatusBadge, useLoad } from '../components/ui';
import { formatDateTime } from '../lib/format';
import { href } from '../router';
import { ContactEdit } from './contact-edit';

/** One contact: fields, lists, consent history, Opt out. */
export function ContactPage({ id }: { id: string }) {
  const contact = useLoad(() => get<ContactDetail>(`/v1/contacts/${encodeURIComponent(id)}`), [id]);
  const lists = useLoad(() => get<Page<List>>(`/v1/lists${query({ limit: 500 })}`), []);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const c = contact.data;
  const listName = (listId: string) => lists.data?.items.find((list) => list.id === listId)?.name ?? listId;

  async function optOut(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post(`/v1/contacts/${encodeURIComponent(id)}/opt-out`, reason.trim() ? { reason: reason.trim() } : {});
      await contact.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <p class="crumbs">
        <a href={href('/contacts')}>Contacts</a> /
      </p>
      <ErrorBox error={contact.error} />
      {c && (
        <>
          <div class="page-head">
            <h1>{[c.firstName, c.lastName].filter(Boolean).join(' ') || c.phone}</h1>
            <StatusBadge status={c.optedOutAt ? 'opted_out' : c.optedIn ? 'opted_in' : 'no_opt_in'} />
          </div>
          <Card title="Contact">
            <dl class="pairs">
              <dt>Phone</dt>
              <dd>{c.phone}</dd>
              <dt>Language</dt>
              <dd>{c.language ?? '—'}</dd>
              <dt>Country</dt>
              <dd>{c.country ?? '—'}</dd>
              <dt>Last message from them</dt>
              <dd>{formatDateTime(c.lastInboundAt)}</dd>
              {Object.entries(c.attributes).map(([key, value]) => (
                <>
                  <dt key={`k-${key}`}>{key}</dt>
                  <dd key={`v-${key}`}>{value}</dd>
                </>
              ))}
            </dl>
          </Card>
          <Card title="Lists" id="contact-lists">
            {c.listIds.length === 0 ? (
              <p class="muted">In no list.</p>
            ) : (
              <ul>
                {c.listIds.map((listId) => (
                  <li key={listId}>{listName(listId)}</li>
                ))}
              </ul>
            )}
          </Card>
          <Card title="Consent history" id="consent">
            <table class="data" aria-label="Consent history">
              <thead>
                <tr>
                  <th>When</th>
                  <th>What</th>
                  <th>Source</th>
                  <th>Proof</th>
                </tr>
              </thead>
              <tbody>
                {c.consentHistory.map((event, index) => (
                  <tr key={index}>
                    <td>{formatDateTime(event.occurredAt)}</td>
                    <td>{event.kind === 'opt_in' ? 'opted in' : 'opted out'}</td>
                    <td>{event.source}</td>
                    <td>{event.proof ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {c.optedOutAt ? (
              <p>
                Opted out {formatDateTime(c.optedOutAt)}
                {c.optOutReason ? `: ${c.optOutReason}` : ''}. Campaigns skip this contact.
              </p>
            ) : (
              <form class="inline" onSubmit={optOut} aria-label="Opt out">
                <Field label="Reason">{(fid) => <input id={fid} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}</Field>
                <button type="submit" disabled={busy}>
                  Opt out
                </button>
              </form>
            )}
            <ErrorBox error={error} />
          </Card>
          <ContactEdit key={c.updatedAt} contact={c} onSaved={contact.reload} />
        </>
      )}
    </>
  );
}
