import { useState } from 'preact/hooks';
import { ApiError, get, post, query } from '../api/client';
import type { Contact, ImportAccepted, ImportState, List, Page } from '../api/types';
import { Card, ErrorBox, Field, ProgressBar, StatusBadge, useLoad, usePolling } from '../components/ui';
import { downloadWithToken } from '../lib/download';
import { formatNumber } from '../lib/format';
import { href } from '../router';

/** Contacts: search, lists, and the CSV import with its progress, counts and rejects. */
export function ContactsScreen() {
  const lists = useLoad(() => get<Page<List>>(`/v1/lists${query({ limit: 500 })}`), []);
  const [imports, setImports] = useState(0);
  return (
    <>
      <h1>Contacts</h1>
      <ImportForm
        onDone={() => {
          void lists.reload();
          setImports((n) => n + 1);
        }}
      />
      <Search lists={lists.data?.items ?? []} imports={imports} />
      <Card title="Lists" id="lists">
        <ErrorBox error={lists.error} />
        <table class="data" aria-label="Lists">
          <thead>
            <tr>
              <th>Name</th>
              <th class="num">Members</th>
            </tr>
          </thead>
          <tbody>
            {lists.data?.items.map((list) => (
              <tr key={list.id}>
                <td>{list.name}</td>
                <td class="num">{formatNumber(list.memberCount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}

/** `imports` changes when an import finished: the listing is read again. */
function Search({ lists, imports }: { lists: List[]; imports: number }) {
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [listId, setListId] = useState('');
  const [submitted, setSubmitted] = useState({ phone: '', name: '', listId: '' });
  const found = useLoad(
    () => get<Page<Contact>>(`/v1/contacts${query({ phone: submitted.phone, name: submitted.name, listId: submitted.listId, limit: 50 })}`),
    [submitted, imports],
  );
  return (
    <Card title="Search" id="search">
      <form
        class="inline"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted({ phone: phone.trim(), name: name.trim(), listId });
        }}
      >
        <Field label="Phone">{(id) => <input id={id} value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />}</Field>
        <Field label="Name">{(id) => <input id={id} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
        <Field label="List">
          {(id) => (
            <select id={id} value={listId} onChange={(e) => setListId(e.currentTarget.value)}>
              <option value="">All contacts</option>
              {lists.map((list) => (
                <option key={list.id} value={list.id}>
                  {list.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={found.error} />
      <table class="data" aria-label="Contacts found">
        <thead>
          <tr>
            <th>Phone</th>
            <th>Name</th>
            <th>Consent</th>
          </tr>
        </thead>
        <tbody>
          {found.data?.items.map((contact) => (
            <tr key={contact.id}>
              <td>
                <a href={href(`/contacts/${contact.id}`)}>{contact.phone}</a>
              </td>
              <td>{[contact.firstName, contact.lastName].filter(Boolean).join(' ') || '—'}</td>
              <td>
                <StatusBadge status={contact.optedOutAt ? 'opted_out' : contact.optedIn ? 'opted_in' : 'no_opt_in'} />
              </td>
            </tr>
          ))}
          {found.data?.items.length === 0 && (
            <tr>
              <td colSpan={3} class="muted">
                No contact matches.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Card>
  );
}

function ImportForm({ onDone }: { onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [list, setList] = useState('');
  const [country, setCountry] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [state, setState] = useState<ImportState | null>(null);
  const running = state !== null && (state.status === 'queued' || state.status === 'running');

  usePolling(
    async () => {
      if (!state) return;
      const next = await get<ImportState>(`/v1/contacts/imports/${state.id}`);
      setState(next);
      if (next.status === 'completed' || next.status === 'failed') onDone();
    },
    500,
    running,
  );

  async function upload(event: Event) {
    event.preventDefault();
    setError(null);
    if (!file) return setError(new Error('Choose a CSV file first.'));
    const form = new FormData();
    if (list.trim()) form.set('list', list.trim());
    if (country.trim()) form.set('defaultCountry', country.trim().toUpperCase());
    form.set('file', file, file.name);
    try {
      const accepted = await post<ImportAccepted>('/v1/contacts/imports', form);
      setState(await get<ImportState>(`/v1/contacts/imports/${accepted.id}`));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new Error(String(caught)));
    }
  }

  return (
    <Card title="Import contacts" id="import">
      <form class="form-grid" onSubmit={upload} aria-label="Import contacts">
        <Field label="CSV file" hint="Header row with a phone column (phone, mobile, msisdn, wa_id); other columns become fields">
          {(id) => <input id={id} type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />}
        </Field>
        <Field label="List name" hint="Created if it does not exist">
          {(id) => <input id={id} value={list} onInput={(e) => setList(e.currentTarget.value)} />}
        </Field>
        <Field label="Default country" hint="ISO code for numbers without +, e.g. DE">
          {(id) => <input id={id} value={country} maxLength={2} onInput={(e) => setCountry(e.currentTarget.value)} />}
        </Field>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={running}>
            Upload
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {state && <ImportResult state={state} />}
    </Card>
  );
}

function ImportResult({ state }: { state: ImportState }) {
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const done = state.status === 'completed' || state.status === 'failed';
  return (
    <div id="import-result" aria-live="polite">
      <p>
        Import <StatusBadge status={state.status} /> {state.fileName ?? ''}
        {state.list ? ` into list “${state.list}”` : ''}
      </p>
      {!done && <ProgressBar label="Import progress" value={state.progress === null ? null : Math.round(state.progress * 100)} max={100} />}
      {state.failureReason && <p class="notice error">{state.failureReason}</p>}
      {done && (
        <dl class="stats">
          {(['totalRows', 'imported', 'updated', 'duplicates', 'rejected', 'optedOut'] as const).map((key) => (
            <div class="stat" key={key}>
              <dt>{{ totalRows: 'rows', imported: 'imported', updated: 'updated', duplicates: 'duplicates', rejected: 'rejected', optedOut: 'opted out' }[key]}</dt>
              <dd data-import-count={key}>{formatNumber(state[key])}</dd>
            </div>
          ))}
        </dl>
      )}
      {done && state.errors.length > 0 && (
        <>
          <table class="data" aria-label="Rejected lines" id="import-errors">
            <thead>
              <tr>
                <th class="num">Line</th>
                <th>Value</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {state.errors.map((row) => (
                <tr key={row.line}>
                  <td class="num">{row.line}</td>
                  <td>{row.value ?? '—'}</td>
                  <td>{row.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a
              href={`/v1/contacts/imports/${state.id}/errors.csv`}
              id="errors-csv"
              onClick={(event) => {
                event.preventDefault();
                downloadWithToken(`/v1/contacts/imports/${state.id}/errors.csv`, `import-${state.id}-errors.csv`).catch(setDownloadError);
              }}
            >
              errors.csv
            </a>{' '}
            <span class="muted">(every rejected line)</span>
          </p>
          <ErrorBox error={downloadError} />
        </>
      )}
    </div>
  );
}
