import type { Dispatcher } from 'undici';

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Flat name/value list (`[name, value, name, value…]`), or an object. */
  headers: string[] | Record<string, string>;
  /** Serialised as JSON when given. */
  body?: unknown;
  /** One deadline for the whole call: connect, headers and body. */
  deadlineMs: number;
  /** The answer is read up to this many bytes; the rest is not read (the connection is dropped). */
  maxBodyBytes: number;
}

export interface UpstreamAnswer {
  httpStatus: number;
  rawBody: string;
  /** The answer was longer than maxBodyBytes: rawBody is its start only. */
  truncated: boolean;
}

/**
 * One 360dialog call: a real deadline (one timer for the whole call, not undici's gap timers, which a
 * server dripping a byte at a time never trips), the answer read in chunks up to a cap (a 200 MB answer
 * costs at most the cap in memory), and redirects not followed (a bare dispatch never follows them).
 * Throws transport errors and the deadline's TimeoutError DOMException; the caller classifies them.
 *
 * Dispatched with a handler of its own rather than undici's `request`: at thousands of sends per
 * second, `request`'s per-call AbortController, event listeners, async resource and body stream were
 * a large share of the engine's CPU and garbage (docs/performance.md, Sending).
 */
export function upstreamRequest(dispatcher: Dispatcher, call: UpstreamRequest): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const target = parsedUrl(call.url);
    let headers = call.headers;
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers = Array.isArray(headers) ? [...headers, 'content-type', 'application/json'] : { ...headers, 'content-type': 'application/json' };
    }
    const reader = new AnswerReader(call.maxBodyBytes, resolve, reject);
    reader.startDeadline(call.deadlineMs);
    dispatcher.dispatch({ origin: target.origin, path: target.path, method: call.method, headers, body }, reader);
  });
}

/** Parsed send URLs: every send of a channel goes to the same one or two URLs, and parsing one per call was ~2% of the engine's CPU while sending. */
const parsedUrls = new Map<string, { origin: string; path: string }>();
const PARSED_URLS_KEPT = 256;

function parsedUrl(url: string): { origin: string; path: string } {
  let parsed = parsedUrls.get(url);
  if (!parsed) {
    const target = new URL(url);
    parsed = { origin: target.origin, path: `${target.pathname}${target.search}` };
    if (parsedUrls.size >= PARSED_URLS_KEPT) parsedUrls.clear();
    parsedUrls.set(url, parsed);
  }
  return parsed;
}

/** Reads one answer up to the cap and settles the call's promise exactly once. */
class AnswerReader implements Dispatcher.DispatchHandler {
  private abort: ((error?: Error) => void) | null = null;
  /** Set when the call ended before it reached a connection: it is aborted there, never sent. */
  private reason: Error | null = null;
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  private httpStatus = 0;
  private readonly chunks: Buffer[] = [];
  private length = 0;

  constructor(
    private readonly maxBodyBytes: number,
    private readonly resolve: (answer: UpstreamAnswer) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  startDeadline(deadlineMs: number): void {
    this.timer = setTimeout(() => this.fail(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), deadlineMs);
  }

  onConnect(abort: (error?: Error) => void): void {
    if (this.reason) abort(this.reason);
    else this.abort = abort;
  }

  onHeaders(statusCode: number): boolean {
    this.httpStatus = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length <= this.maxBodyBytes) return true;
    // Over the cap: answer with its start and drop the connection rather than read the rest.
    this.finish(true);
    this.abort?.(new Error('answer over the size cap'));
    return false;
  }

  onComplete(): void {
    this.finish(false);
  }

  onError(error: Error): void {
    this.fail(error);
  }

  private finish(truncated: boolean): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length);
    this.resolve({ httpStatus: this.httpStatus, rawBody: body.toString('utf8', 0, Math.min(this.length, this.maxBodyBytes)), truncated });
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.reason = error;
    this.abort?.(error);
    this.reject(error);
  }
}
