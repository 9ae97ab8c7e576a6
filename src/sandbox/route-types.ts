import type { ServerResponse } from 'node:http';
import type { Responder } from './http.js';
import type { KeyState, SandboxState } from './state.js';

/** What every route handler works with. */
export interface RouteContext {
  state: SandboxState;
  responder: Responder;
  log: (line: string) => void;
}

/** A request to one of 360dialog's endpoints, its API key already known; `body` is parsed JSON (or undefined). */
export interface ApiRequest {
  method: string;
  path: string;
  key: KeyState;
  /** The query string (GET /v1/configs/templates pages with limit and offset). */
  query: URLSearchParams;
  body: unknown;
  response: ServerResponse;
}

export type ApiHandler = (request: ApiRequest) => void;

/** A request to /_sandbox/*: valid JSON (or no body) and its query string. */
export interface AdminRequest {
  query: URLSearchParams;
  body: unknown;
  response: ServerResponse;
}

export type AdminHandler = (request: AdminRequest) => void | Promise<void>;
