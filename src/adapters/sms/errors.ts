/** A failure worth retrying later (throttling, provider outage, network): Service Bus redelivers. */
export class TransientSmsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientSmsError';
  }
}
