import { AdapterError } from "../../errors.ts";

/**
 * A kubeconfig, service account or credential plugin that cannot be used. The message names the file (or
 * secret) and the field, never a credential value.
 */
export class KubeconfigError extends AdapterError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KubeconfigError";
  }
}
