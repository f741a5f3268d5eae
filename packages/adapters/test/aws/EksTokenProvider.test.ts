import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { assumeRoleCredentials, decodeEksToken, EksTokenProvider } from "../../src/aws/index.ts";

const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG", sessionToken: "tok" };

function provider(clock: { t: number }, credentials = async () => creds) {
  return new EksTokenProvider({
    region: "eu-west-1",
    clusterName: "prod",
    credentials,
    now: () => new Date(clock.t),
  });
}

describe("Class: EksTokenProvider", () => {
  it("mints k8s-aws-v1. + base64url of a presigned STS GetCallerIdentity signing the cluster header", async () => {
    const clock = { t: Date.parse("2026-11-25T10:00:00Z") };
    const { token, expiresAt } = await provider(clock).getToken();
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = decodeEksToken(token);
    expect(url.origin).toBe("https://sts.eu-west-1.amazonaws.com");
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      Action: "GetCallerIdentity",
      Version: "2011-06-15",
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Expires": "60",
      "X-Amz-SignedHeaders": "host;x-k8s-aws-id",
      "X-Amz-Date": "20261125T100000Z",
      "X-Amz-Security-Token": "tok",
    });
    expect(q["X-Amz-Credential"]).toBe("AKIDEXAMPLE/20261125/eu-west-1/sts/aws4_request");
    expect(q["X-Amz-Signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(token).not.toContain(creds.secretAccessKey);
    expect(expiresAt.toISOString()).toBe("2026-11-25T10:15:00.000Z");
  });

  it("reuses the token until a minute before expiry, then mints a new one", async () => {
    const clock = { t: Date.parse("2026-11-25T10:00:00Z") };
    const p = provider(clock);
    const first = (await p.getToken()).token;
    clock.t += 13 * 60_000;
    expect((await p.getToken()).token).toBe(first);
    clock.t += 61_000;
    expect((await p.getToken()).token).not.toBe(first);
  });

  it("mints anew when told the cached token was rejected, but not for a token already replaced", async () => {
    const clock = { t: Date.parse("2026-11-25T10:00:00Z") };
    const p = provider(clock);
    const first = (await p.getToken()).token;
    clock.t += 1000;
    const second = (await p.getToken(first)).token;
    expect(second).not.toBe(first);
    expect((await p.getToken(first)).token).toBe(second);
  });

  it("R26 as a gateway token source, refreshes exactly on the call that follows a 401", async () => {
    const clock = { t: Date.parse("2026-11-25T10:00:00Z") };
    const p = provider(clock);
    const source = p.tokenSource();
    const connect = await source();
    expect(await p.getToken()).toMatchObject({ token: connect });
    clock.t += 1000;
    expect(await source()).not.toBe(connect);
  });

  it("never outlives the credentials that signed it", async () => {
    const clock = { t: Date.parse("2026-11-25T10:00:00Z") };
    const expiring = { ...creds, expiration: new Date(clock.t + 5 * 60_000) };
    const { expiresAt } = await provider(clock, async () => expiring).getToken();
    expect(expiresAt.toISOString()).toBe("2026-11-25T10:05:00.000Z");
  });
});

describe("Function: assumeRoleCredentials", () => {
  it("R46 assumes the cluster's role with its external id and caches the credentials until shortly before expiry", async () => {
    const sts = mockClient(STSClient);
    const t0 = Date.parse("2026-11-25T10:00:00Z");
    let now = t0;
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: "ASIA1",
        SecretAccessKey: "s",
        SessionToken: "t",
        Expiration: new Date(t0 + 3_600_000),
      },
    });
    const source = assumeRoleCredentials(new STSClient({ region: "eu-west-1" }), {
      roleArn: "arn:aws:iam::123456789012:role/emqx",
      externalId: "xid",
      sessionName: "emqx-reconciler-prod/eu",
      now: () => new Date(now),
    });
    expect((await source()).accessKeyId).toBe("ASIA1");
    now += 50 * 60_000;
    await source();
    now += 6 * 60_000;
    await source();
    const calls = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ ExternalId: "xid", RoleSessionName: "emqx-reconciler-prod-eu" });
  });
});
