import { describe, expect, it } from "vitest";
import { MissingSecretRefError } from "../../src/children/errors.ts";
import {
  buildBootstrapSecret,
  buildCookieSecret,
  computeBootstrapApiKeys,
  referencedSecretNames,
} from "../../src/children/secrets.ts";
import { makeEmqx } from "./fixtures.ts";

const PASSWORD = "a1b2c3d4e5f6g7h8i9j0abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr";

const refEntry = (keySecret: string, secretSecret: string) => ({
  secretRef: {
    key: { secretName: keySecret, secretKey: "key" },
    secret: { secretName: secretSecret, secretKey: "secret" },
  },
});

describe("buildBootstrapSecret", () => {
  it("holds only the reconciler's key when the CR has none, without a trailing newline", () => {
    const secret = buildBootstrapSecret(makeEmqx(), { password: PASSWORD });
    expect(secret.metadata?.name).toBe("emqx-bootstrap-api-key");
    expect(secret.stringData).toEqual({ bootstrap_api_key: `emqx-operator-controller:${PASSWORD}` });
  });

  it("writes one line per entry in spec order, literal or referenced, then the reconciler's", () => {
    const emqx = makeEmqx({
      bootstrapAPIKeys: [
        refEntry("ref-a", "ref-a"),
        { key: "plain_one", secret: "secret-one" },
        refEntry("ref-b-key", "ref-b-secret"),
        { key: "plain-two", secret: "secret-two" },
      ],
    });
    const text = computeBootstrapApiKeys(emqx, {
      password: PASSWORD,
      refValues: {
        "ref-a": { key: "ref_a", secret: "ref-a-secret" },
        "ref-b-key": { key: "ref_b" },
        "ref-b-secret": { secret: "ref-b-secret" },
      },
    });
    expect(text).toBe(
      [
        "ref_a:ref-a-secret",
        "plain_one:secret-one",
        "ref_b:ref-b-secret",
        "plain-two:secret-two",
        `emqx-operator-controller:${PASSWORD}`,
      ].join("\n"),
    );
  });

  it("names the field and the Secret when a referenced key is missing, never a value", () => {
    const emqx = makeEmqx({ bootstrapAPIKeys: [refEntry("api-keys", "api-keys")] });
    const build = () =>
      buildBootstrapSecret(emqx, { password: PASSWORD, refValues: { "api-keys": { key: "k" } } });
    expect(build).toThrow(MissingSecretRefError);
    expect(build).toThrow('spec.bootstrapAPIKeys[0].secretRef.secret: key "secret" of Secret "api-keys"');
  });

  it("lists the referenced Secrets once each", () => {
    const emqx = makeEmqx({ bootstrapAPIKeys: [refEntry("a", "b"), refEntry("a", "a")] });
    expect(referencedSecretNames(emqx)).toEqual(["a", "b"]);
  });

  it("carries the default labels and the CR's labels (which cannot override ours), and the owner", () => {
    const emqx = makeEmqx({}, { labels: { team: "iot", "apps.emqx.io/instance": "evil" } });
    const secret = buildBootstrapSecret(emqx, { password: PASSWORD });
    expect(secret.metadata?.labels).toEqual({
      "apps.emqx.io/instance": "emqx",
      "apps.emqx.io/managed-by": "emqx-operator",
      team: "iot",
    });
    expect(secret.metadata?.ownerReferences?.[0]?.kind).toBe("EMQX");
    expect(secret).toMatchObject({ apiVersion: "v1", kind: "Secret" });
  });
});

describe("buildCookieSecret", () => {
  it("uses node.cookie from config.data, wrapped in double quotes like the operator", () => {
    const emqx = makeEmqx({ config: { data: 'node.cookie = "sekrit-cookie"\n' } });
    const secret = buildCookieSecret(emqx, { randomCookie: "random" });
    expect(secret.metadata?.name).toBe("emqx-node-cookie");
    expect(secret.stringData).toEqual({ node_cookie: '"sekrit-cookie"' });
  });

  it("quotes an unquoted cookie too", () => {
    const emqx = makeEmqx({ config: { data: "node {\n  cookie = unquoted-cookie\n}\n" } });
    expect(buildCookieSecret(emqx, { randomCookie: "random" }).stringData?.node_cookie).toBe(
      '"unquoted-cookie"',
    );
  });

  it("falls back to the random cookie when the config sets none", () => {
    const secret = buildCookieSecret(makeEmqx(), { randomCookie: "r4nd0m" });
    expect(secret.stringData?.node_cookie).toBe("r4nd0m");
  });
});
