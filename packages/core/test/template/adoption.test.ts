import type { V1PodTemplateSpec } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { buildReplicantSet } from "../../src/children/replicantSet.ts";
import { templatesDiffer } from "../../src/template/templatesDiffer.ts";
import { seedExample } from "../golden/seedExample.ts";

/**
 * The replicant ReplicaSet template Operator 2.2 left for the seed example, as `kubectl get rs -o json` shows it:
 * the Go hash label, `creationTimestamp: null`, keys in Go's JSON order, and every apiserver default filled in.
 */
const operatorReplicantTemplate: V1PodTemplateSpec = JSON.parse(`{
  "metadata": {
    "creationTimestamp": null,
    "labels": {
      "apps.emqx.io/db-role": "replicant",
      "apps.emqx.io/instance": "emqx",
      "apps.emqx.io/managed-by": "emqx-operator",
      "apps.emqx.io/pod-template-hash": "57bcb74d8d"
    }
  },
  "spec": {
    "containers": [
      {
        "env": [
          { "name": "EMQX_DASHBOARD__LISTENERS__HTTP__BIND", "value": "18083" },
          { "name": "EMQX_CLUSTER__DISCOVERY_STRATEGY", "value": "dns" },
          { "name": "EMQX_CLUSTER__DNS__RECORD_TYPE", "value": "srv" },
          { "name": "EMQX_CLUSTER__DNS__NAME", "value": "emqx-headless.default.svc.cluster.local" },
          { "name": "EMQX_HOST", "valueFrom": { "fieldRef": { "apiVersion": "v1", "fieldPath": "status.podIP" } } },
          { "name": "EMQX_NODE__DATA_DIR", "value": "data" },
          { "name": "EMQX_NODE__ROLE", "value": "replicant" },
          { "name": "EMQX_NODE__COOKIE", "valueFrom": { "secretKeyRef": { "key": "node_cookie", "name": "emqx-node-cookie" } } },
          { "name": "EMQX_API_KEY__BOOTSTRAP_FILE", "value": "\\"/opt/emqx/data/bootstrap_api_key\\"" }
        ],
        "image": "emqx/emqx:6.0.1",
        "imagePullPolicy": "IfNotPresent",
        "livenessProbe": {
          "failureThreshold": 3,
          "httpGet": { "path": "/status", "port": "dashboard", "scheme": "HTTP" },
          "initialDelaySeconds": 60, "periodSeconds": 30, "successThreshold": 1, "timeoutSeconds": 1
        },
        "name": "emqx",
        "ports": [{ "containerPort": 18083, "name": "dashboard", "protocol": "TCP" }],
        "readinessProbe": {
          "failureThreshold": 12,
          "httpGet": { "path": "/status", "port": "dashboard", "scheme": "HTTP" },
          "initialDelaySeconds": 10, "periodSeconds": 5, "successThreshold": 1, "timeoutSeconds": 1
        },
        "resources": { "requests": { "cpu": "250m", "memory": "1Gi" } },
        "securityContext": { "runAsGroup": 1000, "runAsNonRoot": true, "runAsUser": 1000 },
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": [
          { "mountPath": "/opt/emqx/data/bootstrap_api_key", "name": "bootstrap-api-key", "readOnly": true, "subPath": "bootstrap_api_key" },
          { "mountPath": "/opt/emqx/etc/emqx.conf", "name": "bootstrap-config", "readOnly": true, "subPath": "emqx.conf" },
          { "mountPath": "/opt/emqx/log", "name": "emqx-replicant-log" },
          { "mountPath": "/opt/emqx/data", "name": "emqx-replicant-data" }
        ]
      }
    ],
    "dnsPolicy": "ClusterFirst",
    "readinessGates": [{ "conditionType": "apps.emqx.io/on-serving" }],
    "restartPolicy": "Always",
    "schedulerName": "default-scheduler",
    "securityContext": {
      "fsGroup": 1000, "fsGroupChangePolicy": "Always", "runAsGroup": 1000, "runAsUser": 1000, "supplementalGroups": [1000]
    },
    "terminationGracePeriodSeconds": 30,
    "volumes": [
      { "name": "bootstrap-api-key", "secret": { "defaultMode": 420, "secretName": "emqx-bootstrap-api-key" } },
      { "configMap": { "defaultMode": 420, "name": "emqx-configs" }, "name": "bootstrap-config" },
      { "emptyDir": {}, "name": "emqx-replicant-log" },
      { "emptyDir": {}, "name": "emqx-replicant-data" }
    ]
  }
}`);

describe("adopting a set the Go operator created", () => {
  const desired = () => buildReplicantSet(seedExample())?.spec?.template ?? {};

  it("finds no difference for the same CR, so no blue-green update starts", () => {
    expect(templatesDiffer(desired(), operatorReplicantTemplate)).toBe(false);
  });

  it("still sees a real change made to the CR afterwards", () => {
    const emqx = seedExample();
    const spec = emqx.spec.replicantTemplate?.spec;
    if (spec) spec.resources = { requests: { cpu: "500m", memory: "1Gi" } };
    expect(templatesDiffer(buildReplicantSet(emqx)?.spec?.template ?? {}, operatorReplicantTemplate)).toBe(
      true,
    );
  });
});
