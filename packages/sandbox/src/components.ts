/**
 * Command lines of the sandbox's processes. Everything binds to loopback on ports chosen for this sandbox, so
 * sandboxes run side by side.
 */
import type { SandboxCertificates } from "./certs.ts";

/** Where a sandbox's files and ports are: the input of every command line. */
export interface SandboxLayout {
  certs: SandboxCertificates;
  kubeconfigPath: string;
  etcdDataDir: string;
  ports: { etcdClient: number; etcdPeer: number; apiserver: number };
  /** Loopback range the pod IPs come from, e.g. `127.1.0.0/16`. */
  podCidr: string;
  stagesFile: string;
}

/** Service ClusterIPs; never routed, only allocated. */
export const SERVICE_CIDR = "10.96.0.0/16";

/**
 * Controllers that cannot work here: Endpoints/EndpointSlices reject the loopback pod IPs (they would retry
 * forever), and node IPAM, routes, cloud node lifecycle and service load balancers need a cloud.
 */
export const DISABLED_CONTROLLERS = [
  "endpoints-controller",
  "endpointslice-controller",
  "endpointslice-mirroring-controller",
  "node-ipam-controller",
  "node-route-controller",
  "cloud-node-lifecycle-controller",
  "service-lb-controller",
] as const;

/** etcd: one member, data in a temporary folder, no fsync (throwaway data, much faster on slow disks). */
export function buildEtcdArgs(layout: SandboxLayout): string[] {
  const client = `http://127.0.0.1:${layout.ports.etcdClient}`;
  const peer = `http://127.0.0.1:${layout.ports.etcdPeer}`;
  return [
    "--name=sandbox",
    `--data-dir=${layout.etcdDataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=sandbox=${peer}`,
    "--unsafe-no-fsync=true",
    "--log-level=warn",
  ];
}

/**
 * kube-apiserver with TLS, client-certificate authentication and Node,RBAC authorization. The endpoint
 * reconciler is off: it would write the loopback advertise address into the `kubernetes` Endpoints, which
 * validation rejects.
 */
export function buildApiserverArgs(layout: SandboxLayout): string[] {
  const { certs } = layout;
  return [
    `--etcd-servers=http://127.0.0.1:${layout.ports.etcdClient}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${layout.ports.apiserver}`,
    `--tls-cert-file=${certs.servingCert}`,
    `--tls-private-key-file=${certs.servingKey}`,
    `--client-ca-file=${certs.caCert}`,
    "--authorization-mode=Node,RBAC",
    "--allow-privileged=true",
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${certs.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${certs.serviceAccountKey}`,
    "--endpoint-reconciler-type=none",
    "--profiling=false",
  ];
}

/** kube-controller-manager: every default controller except {@link DISABLED_CONTROLLERS}; garbage collector on. */
export function buildControllerManagerArgs(layout: SandboxLayout): string[] {
  const { certs } = layout;
  return [
    `--kubeconfig=${layout.kubeconfigPath}`,
    "--leader-elect=false",
    "--secure-port=0",
    `--controllers=*,${DISABLED_CONTROLLERS.map((c) => `-${c}`).join(",")}`,
    "--use-service-account-credentials=false",
    `--service-account-private-key-file=${certs.serviceAccountKey}`,
    `--root-ca-file=${certs.caCert}`,
    `--cluster-signing-cert-file=${certs.caCert}`,
    `--cluster-signing-key-file=${certs.caKey}`,
    "--enable-garbage-collector=true",
    // Managed control planes give their controllers far more than the 20 requests/s client default; at 20 the
    // sandbox's own StatefulSet/ReplicaSet controllers (pod creates plus their Events), not the reconciler under
    // test, would set the pace as soon as dozens of CRs start at once.
    "--kube-api-qps=100",
    "--kube-api-burst=200",
    "--profiling=false",
  ];
}

/** kube-scheduler with the default profile. */
export function buildSchedulerArgs(layout: SandboxLayout): string[] {
  return [
    `--kubeconfig=${layout.kubeconfigPath}`,
    "--leader-elect=false",
    "--secure-port=0",
    "--profiling=false",
  ];
}

/**
 * kwok as the kubelet of every node: pod IPs from the sandbox's loopback range (a local process can listen on
 * them), node Leases renewed (without them nodes flap NotReady), our own stages.
 */
export function buildKwokArgs(layout: SandboxLayout): string[] {
  return [
    `--kubeconfig=${layout.kubeconfigPath}`,
    "--manage-all-nodes=true",
    `--cidr=${layout.podCidr}`,
    "--node-ip=127.0.0.1",
    "--node-lease-duration-seconds=40",
    `--config=${layout.stagesFile}`,
  ];
}
