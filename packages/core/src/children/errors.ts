/**
 * Errors of the child builders. Messages name the field and the Secret involved, never a secret value.
 */
export class ChildBuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ChildBuildError";
  }
}

/**
 * A `bootstrapAPIKeys[].secretRef` points at a Secret or key the workflow could not provide. The operator reports
 * this as the Warning event `GetBootStrapSecretRef` and fails the step.
 */
export class MissingSecretRefError extends ChildBuildError {
  readonly secretName: string;
  readonly secretKey: string;

  constructor(field: string, secretName: string, secretKey: string) {
    super(
      `${field}: key "${secretKey}" of Secret "${secretName}" was not found in the namespace of the EMQX object`,
    );
    this.name = "MissingSecretRefError";
    this.secretName = secretName;
    this.secretKey = secretKey;
  }
}
