/** A contact's Edit (PATCH /v1/contacts/:id) and Erase (DELETE, after a confirmation) on its page. */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { ContactDetail, UpdateContact } from '../api/types';
import { Card, ErrorBox, Field } from '../components/ui';
import { attributeChanges } from '../lib/contact-edit';
import { navigate } from '../router';

export function ContactEdit({ contact, onSaved }: { contact: ContactDetail; onSaved: () => Promise<void> }) {
  const [form, setForm] = useState({
    firstName: contact.firstName ?? '',
    lastName: contact.lastName ?? '',
    language: contact.language ?? '',
    attributes: Object.entries(contact.attributes).map(([key, value]) => `${key}=${value}`).join('\n'),
  });
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const path = `/v1/contacts/${encodeURIComponent(contact.id)}`;
  const set = (key: keyof typeof form) => (event: { currentTarget: { value: string } }) => setForm({ ...form, [key]: event.currentTarget.value });

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    setNote(null);
    const attributes = attributeChanges(contact.attributes, form.attributes);
    if ('error' in attributes) return setError(new Error(attributes.error));
    const body: UpdateContact = {
      firstName: form.firstName.trim() || null,
      lastName: form.lastName.trim() || null,
      language: form.language.trim() || null,
      ...(Object.keys(attributes.changes).length ? { attributes: attributes.changes } : {}),
    };
    setBusy(true);
    try {
      await api<ContactDetail>('PATCH', path, body);
      setNote('Saved.');
      await onSaved();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function erase() {
    setBusy(true);
    setError(null);
    try {
      await api<void>('DELETE', path);
      navigate('/contacts');
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <Card title="Edit" id="contact-edit">
      <form class="form-grid" onSubmit={save} aria-label="Edit contact">
        <Field label="First name">{(id) => <input id={id} value={form.firstName} onInput={set('firstName')} />}</Field>
        <Field label="Last name">{(id) => <input id={id} value={form.lastName} onInput={set('lastName')} />}</Field>
        <Field label="Language" hint="e.g. de, en_US, pt-BR">
          {(id) => <input id={id} value={form.language} onInput={set('language')} />}
        </Field>
        <Field label="Attributes" hint="One key=value a line; remove a line to remove the attribute">
          {(id) => <textarea id={id} rows={4} value={form.attributes} onInput={set('attributes')} />}
        </Field>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>
            Save contact
          </button>
          {note && <span role="status">{note}</span>}
        </div>
      </form>
      <ErrorBox error={error} />
      <h3>Erase</h3>
      <p class="muted">
        Erasing removes the contact, its consent history and list memberships; campaign counts keep their rows without the number. An opt-out is
        remembered (as a keyed hash) so a later import keeps them opted out.
      </p>
      {confirming ? (
        <div class="notice error" role="alertdialog" aria-label="Confirm erase">
          <p>Erase {contact.phone} for good? This cannot be undone.</p>
          <div class="actions">
            <button type="button" class="danger" disabled={busy} onClick={() => void erase()}>
              Erase for good
            </button>
            <button type="button" autoFocus onClick={() => setConfirming(false)}>
              Keep the contact
            </button>
          </div>
        </div>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Erase
        </button>
      )}
    </Card>
  );
}
