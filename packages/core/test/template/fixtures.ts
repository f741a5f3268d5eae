import type { V1PodTemplateSpec } from "@kubernetes/client-node";

/** A core pod template as a builder emits it: only the fields set on purpose, quantities as the user wrote them. */
export function desiredCoreTemplate(): V1PodTemplateSpec {
  return {
    metadata: {
      labels: {
        "apps.emqx.io/instance": "emqx",
        "apps.emqx.io/managed-by": "emqx-operator",
        "apps.emqx.io/db-role": "core",
        "apps.emqx.io/pod-template-hash": "q4k2d9xbzm",
      },
    },
    spec: {
      readinessGates: [{ conditionType: "apps.emqx.io/on-serving" }],
      securityContext: {
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        fsGroupChangePolicy: "Always",
        supplementalGroups: [1000],
      },
      containers: [
        {
          name: "emqx",
          image: "emqx/emqx:6.0.1",
          ports: [{ name: "dashboard", containerPort: 18083 }],
          env: [
            { name: "EMQX_DASHBOARD__LISTENERS__HTTP__BIND", value: "18083" },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "EMQX_CLUSTER__DISCOVERY_STRATEGY", value: "dns" },
            {
              name: "EMQX_NODE__COOKIE",
              valueFrom: { secretKeyRef: { name: "emqx-node-cookie", key: "node_cookie" } },
            },
            { name: "EMPTY", value: "" },
          ],
          resources: { requests: { cpu: "0.25", memory: "1024Mi" }, limits: { memory: "1Gi" } },
          securityContext: { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true },
          livenessProbe: {
            initialDelaySeconds: 60,
            periodSeconds: 30,
            failureThreshold: 3,
            httpGet: { path: "/status", port: "dashboard" },
          },
          readinessProbe: {
            initialDelaySeconds: 10,
            periodSeconds: 5,
            failureThreshold: 12,
            httpGet: { path: "/status", port: "dashboard" },
          },
          volumeMounts: [
            {
              name: "bootstrap-api-key",
              mountPath: "/opt/emqx/data/bootstrap_api_key",
              subPath: "bootstrap_api_key",
              readOnly: true,
            },
            { name: "emqx-core-data", mountPath: "/opt/emqx/data", readOnly: false },
          ],
        },
      ],
      volumes: [
        { name: "emqx-core-data", emptyDir: {} },
        { name: "bootstrap-api-key", secret: { secretName: "emqx-bootstrap-api-key" } },
        { name: "bootstrap-config", configMap: { name: "emqx-configs" } },
      ],
    },
  };
}

/**
 * The same template as `GET …/statefulsets/emqx-core-6bb54f9998` returns it after the Go operator created it:
 * the operator's own hash label, `creationTimestamp: null`, every apiserver default filled in (PodSpec, Container,
 * ports, fieldRef, probes, httpGet, volumes) and quantities in canonical form.
 */
export function liveCoreTemplate(): V1PodTemplateSpec {
  return JSON.parse(
    JSON.stringify({
      metadata: {
        creationTimestamp: null,
        labels: {
          "apps.emqx.io/db-role": "core",
          "apps.emqx.io/instance": "emqx",
          "apps.emqx.io/managed-by": "emqx-operator",
          "apps.emqx.io/pod-template-hash": "6bb54f9998",
        },
      },
      spec: {
        containers: [
          {
            env: [
              { name: "EMQX_DASHBOARD__LISTENERS__HTTP__BIND", value: "18083" },
              { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
              { name: "EMQX_CLUSTER__DISCOVERY_STRATEGY", value: "dns" },
              {
                name: "EMQX_NODE__COOKIE",
                valueFrom: { secretKeyRef: { key: "node_cookie", name: "emqx-node-cookie" } },
              },
              { name: "EMPTY" },
            ],
            image: "emqx/emqx:6.0.1",
            imagePullPolicy: "IfNotPresent",
            livenessProbe: {
              failureThreshold: 3,
              httpGet: { path: "/status", port: "dashboard", scheme: "HTTP" },
              initialDelaySeconds: 60,
              periodSeconds: 30,
              successThreshold: 1,
              timeoutSeconds: 1,
            },
            name: "emqx",
            ports: [{ containerPort: 18083, name: "dashboard", protocol: "TCP" }],
            readinessProbe: {
              failureThreshold: 12,
              httpGet: { path: "/status", port: "dashboard", scheme: "HTTP" },
              initialDelaySeconds: 10,
              periodSeconds: 5,
              successThreshold: 1,
              timeoutSeconds: 1,
            },
            resources: { limits: { memory: "1Gi" }, requests: { cpu: "250m", memory: "1Gi" } },
            securityContext: { runAsGroup: 1000, runAsNonRoot: true, runAsUser: 1000 },
            terminationMessagePath: "/dev/termination-log",
            terminationMessagePolicy: "File",
            volumeMounts: [
              {
                mountPath: "/opt/emqx/data/bootstrap_api_key",
                name: "bootstrap-api-key",
                readOnly: true,
                subPath: "bootstrap_api_key",
              },
              { mountPath: "/opt/emqx/data", name: "emqx-core-data" },
            ],
          },
        ],
        dnsPolicy: "ClusterFirst",
        readinessGates: [{ conditionType: "apps.emqx.io/on-serving" }],
        restartPolicy: "Always",
        schedulerName: "default-scheduler",
        securityContext: {
          fsGroup: 1000,
          fsGroupChangePolicy: "Always",
          runAsGroup: 1000,
          runAsUser: 1000,
          supplementalGroups: [1000],
        },
        terminationGracePeriodSeconds: 30,
        volumes: [
          { emptyDir: {}, name: "emqx-core-data" },
          { name: "bootstrap-api-key", secret: { defaultMode: 420, secretName: "emqx-bootstrap-api-key" } },
          { configMap: { defaultMode: 420, name: "emqx-configs" }, name: "bootstrap-config" },
        ],
      },
    }),
  ) as V1PodTemplateSpec;
}
