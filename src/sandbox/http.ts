import type { ServerResponse } from 'node:http';

/** Thrown by admin calls and the programmatic API; over HTTP it is answered `{ "error": message }` with its status. */
export class RequestError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

/** How the sandbox answers: JSON after the configured response delay, or never (a hanging request). */
export class Responder {
  private readonly hanging = new Set<ServerResponse>();

  /** `delayMs` is read at each answer: the behaviour can change at run time. */
  constructor(private readonly delayMs: () => number) {}

  reply(response: ServerResponse, httpStatus: number, body: unknown): void {
    const payload = JSON.stringify(body);
    const send = () => {
      if (response.destroyed) return;
      response.writeHead(httpStatus, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      response.end(payload);
    };
    const delayMs = this.delayMs();
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  }

  /** Never answers: the client times out, or the sandbox closes the connection when it closes. */
  hang(response: ServerResponse): void {
    this.hanging.add(response);
    response.on('close', () => this.hanging.delete(response));
  }

  destroyHanging(): void {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
  }
}
