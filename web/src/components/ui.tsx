/** Small building blocks: labelled fields, status badges with words, progress bars, error boxes. */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { formatPercent, humanize, percentOf } from '../lib/format';

let fieldIds = 0;
/** A visible <label> tied to its control, with the API's error for it beside it. */
export function Field(props: { label: string; error?: string[]; hint?: string; children: (id: string, describedBy?: string) => JSX.Element }) {
  const id = useRef(`f${++fieldIds}`).current;
  const errorId = props.error?.length ? `${id}-error` : undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id, errorId)}
      {props.hint && <small class="hint">{props.hint}</small>}
      {errorId && (
        <p class="field-error" id={errorId} role="alert">
          {props.error!.join('; ')}
        </p>
      )}
    </div>
  );
}

/** Status as a word (never colour alone); the colour is a second cue from data-status. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span class="badge" data-status={status}>
      {humanize(status)}
    </span>
  );
}

export function ProgressBar({ value, max, label }: { value: number | null; max: number; label: string }) {
  const known = value !== null;
  return (
    <div class="progress-wrap">
      <div
        class="track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={known ? value : undefined}
        aria-valuetext={known ? formatPercent(value, max) : 'in progress'}
      >
        <div class={known ? 'fill' : 'fill indeterminate'} style={{ width: `${known ? percentOf(value, max) : 30}%` }} />
      </div>
      <span class="progress-text">{known ? formatPercent(value, max) : 'working…'}</span>
    </div>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? `${error.message} (HTTP ${error.status})` : error instanceof Error ? error.message : String(error);
  return (
    <p class="notice error" role="alert">
      {text}
    </p>
  );
}

export function Card(props: { title: string; id?: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card" id={props.id} aria-labelledby={props.id ? `${props.id}-title` : undefined}>
      <div class="card-head">
        <h2 id={props.id ? `${props.id}-title` : undefined}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Loads `load()` when `key` changes; `reload` runs it again. A stale answer never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await load();
      if (mine === generation.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((old) => ({ data: old.data, error, loading: false }));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, key);
  useEffect(() => {
    setState((old) => ({ ...old, loading: true }));
    void reload();
  }, [reload]);
  return { ...state, reload };
}

/** Runs `tick` every `ms` while `active`, never two at once (a slow answer delays the next). */
export function usePolling(tick: () => Promise<void>, ms: number, active: boolean): void {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: number | undefined;
    const loop = async () => {
      try {
        await saved.current();
      } catch {
        // the screen shows its own error state; keep polling
      }
      if (!stopped) timer = window.setTimeout(loop, ms);
    };
    timer = window.setTimeout(loop, ms);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [ms, active]);
}
