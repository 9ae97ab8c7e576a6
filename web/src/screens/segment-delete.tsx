/** Delete the chosen saved segment (DELETE /v1/segments/:id), after a confirmation; campaigns launched from it keep their recipients. */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { Segment } from '../api/types';
import { ErrorBox } from '../components/ui';

export function SegmentDelete(props: { segment: Segment; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await api<void>('DELETE', `/v1/segments/${props.segment.id}`);
      setConfirming(false);
      props.onDeleted();
    } catch (caught) {
      // 409: a campaign not launched yet uses it; the engine's message says so
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="segment-delete">
      {confirming ? (
        <div class="notice error" role="alertdialog" aria-label="Confirm delete segment">
          <p>Delete the segment “{props.segment.name}”? Campaigns already launched from it keep their recipients.</p>
          <div class="actions">
            <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
              Delete segment
            </button>
            <button type="button" autoFocus onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete segment…
        </button>
      )}
      <ErrorBox error={error} />
    </div>
  );
}
