/** Thrown by services; the global filter maps each code to an HTTP status. No HttpException in services. */
export type DomainErrorCode =
  | 'not_found'
  | 'invalid'
  | 'conflict'
  | 'unauthorized'
  | 'payload_too_large'
  | 'unsupported_media_type'
  /** Well-formed, but WhatsApp would refuse it (e.g. a template that does not match the registry): 422. */
  | 'unprocessable'
  | 'upstream';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) => new DomainError('not_found', `${what} ${id} not found`);
