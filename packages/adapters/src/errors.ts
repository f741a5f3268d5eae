/**
 * The one error family of the adapters package: every failure of the Kubernetes gateway and of the EMQX API
 * client is an `AdapterError`, classified once where the I/O happens, so callers branch on `kind`, never on text.
 */
export class AdapterError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AdapterError";
  }
}
