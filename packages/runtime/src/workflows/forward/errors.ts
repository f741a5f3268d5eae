/**
 * The forwarder's error family. The forwarder absorbs Kubernetes and bus failures itself (backoff, relist,
 * resend); what reaches a caller is a bad option or the use of a stopped forwarder.
 */
export class ForwarderError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ForwarderError";
  }
}

/** `ready` of a forwarder that was stopped before its first lists completed. */
export class ForwarderStoppedError extends ForwarderError {
  constructor(cluster: string) {
    super(`The forwarder of cluster "${cluster}" was stopped before its initial lists completed.`);
    this.name = "ForwarderStoppedError";
  }
}
