import type { STSClient } from "@aws-sdk/client-sts";
import { AwsError, AwsErrorKind, toAwsError } from "./errors.ts";

/** AWS credentials as the SDK hands them out. Never log them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Something that hands out (possibly refreshed) credentials, like the SDK's credential providers. */
export type CredentialSource = () => Promise<AwsCredentials>;

/** A bearer token for an EKS API server and when it stops working. */
export interface EksToken {
  token: string;
  expiresAt: Date;
}

/** Options of {@link EksTokenProvider}. */
export interface EksTokenProviderOptions {
  region: string;
  clusterName: string;
  /** Credentials that sign: the function's role, or {@link assumeRoleCredentials} for a cross-account cluster. */
  credentials: CredentialSource;
  /** Mint a new token this long before the old one expires. @default 60_000 */
  refreshMarginMs?: number;
  /** @default () => new Date() */
  now?: () => Date;
}

/** STS accepts a presigned GetCallerIdentity for 15 minutes after its X-Amz-Date, whatever X-Amz-Expires says. */
const TOKEN_LIFETIME_MS = 15 * 60_000;
const TOKEN_PREFIX = "k8s-aws-v1.";

/**
 * EKS bearer tokens: `k8s-aws-v1.` + base64url of a SigV4-presigned
 * `GET https://sts.<region>.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15` with the cluster name in
 * the signed `x-k8s-aws-id` header. Signing is local, so a token costs no call; it is cached until shortly before
 * it (or the credentials that signed it) expires, and minted anew once when the API server rejects it.
 */
export class EksTokenProvider {
  private readonly options: EksTokenProviderOptions;
  private cached: Promise<EksToken> | undefined;

  constructor(options: EksTokenProviderOptions) {
    this.options = options;
  }

  /**
   * A valid token. Pass the token the API server just answered 401 to: if it is still the cached one, a new one
   * is minted; a caller reporting a token already replaced gets the replacement.
   */
  async getToken(rejected?: string): Promise<EksToken> {
    const now = this.now().getTime();
    const current = this.cached ? await this.cached.catch(() => undefined) : undefined;
    const margin = this.options.refreshMarginMs ?? 60_000;
    if (current && current.token !== rejected && current.expiresAt.getTime() - margin > now) return current;
    const minted = this.mint();
    this.cached = minted;
    minted.catch(() => {
      if (this.cached === minted) this.cached = undefined;
    });
    return minted;
  }

  /**
   * A `getToken` for `KubeGateway`: it asks once at connect and again only after a 401, so every call after the
   * first reports the token it handed out last as rejected.
   */
  tokenSource(): () => Promise<string> {
    let issued: string | undefined;
    return async () => {
      issued = (await this.getToken(issued)).token;
      return issued;
    };
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  private async mint(): Promise<EksToken> {
    const { region, clusterName } = this.options;
    const credentials = await this.options.credentials();
    const signedAt = this.now();
    const hostname = `sts.${region}.amazonaws.com`;
    const [{ SignatureV4 }, { HttpRequest }, { Sha256 }] = await Promise.all([
      import("@smithy/signature-v4"),
      import("@smithy/protocol-http"),
      import("@aws-crypto/sha256-js"),
    ]);
    const signer = new SignatureV4({ service: "sts", region, sha256: Sha256, credentials });
    const request = new HttpRequest({
      method: "GET",
      protocol: "https:",
      hostname,
      path: "/",
      headers: { host: hostname, "x-k8s-aws-id": clusterName },
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
    });
    const signed = await signer.presign(request, { expiresIn: 60, signingDate: signedAt });
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(signed.query ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) if (v !== null) query.append(key, v);
    }
    const url = `https://${hostname}/?${query.toString()}`;
    const limit = Math.min(
      signedAt.getTime() + TOKEN_LIFETIME_MS,
      credentials.expiration?.getTime() ?? Infinity,
    );
    return { token: TOKEN_PREFIX + Buffer.from(url).toString("base64url"), expiresAt: new Date(limit) };
  }
}

/** Decodes an EKS token back to its presigned URL (tests and diagnostics; the URL holds no secret key). */
export function decodeEksToken(token: string): URL {
  if (!token.startsWith(TOKEN_PREFIX)) throw new AwsError(AwsErrorKind.Terminal, "Not an EKS token.");
  return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"));
}

/** Options of {@link assumeRoleCredentials}. */
export interface AssumeRoleOptions {
  roleArn: string;
  externalId?: string;
  /** Names the session in CloudTrail; the cluster id is a good one. */
  sessionName: string;
  /** @default 3600 */
  durationSeconds?: number;
  /** Assume again this long before expiry. @default 300_000 */
  refreshMarginMs?: number;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * Credentials of a role in the cluster's account, assumed with its external id (the confused-deputy guard) and
 * cached until shortly before they expire.
 */
export function assumeRoleCredentials(sts: STSClient, options: AssumeRoleOptions): CredentialSource {
  let cached: AwsCredentials | undefined;
  const now = options.now ?? (() => new Date());
  return async () => {
    const margin = options.refreshMarginMs ?? 300_000;
    if (cached?.expiration && cached.expiration.getTime() - margin > now().getTime()) return cached;
    try {
      const { AssumeRoleCommand } = await import("@aws-sdk/client-sts");
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.sessionName.replace(/[^\w+=,.@-]/g, "-").slice(0, 64),
          ExternalId: options.externalId,
          DurationSeconds: options.durationSeconds ?? 3600,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("AssumeRole returned no credentials.");
      cached = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
      return cached;
    } catch (error) {
      throw toAwsError(`AssumeRole ${options.roleArn}`, error);
    }
  };
}
