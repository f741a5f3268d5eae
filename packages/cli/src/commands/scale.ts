/** `emqx-reconciler scale ns/name --role replicant --replicas N|+N|-N`: one scale request, sent to the CR itself. */
import { KubeHttp, loadDefaultKubeconfig, loadKubeconfigFile } from "@emqx-reconciler/adapters";
import { kubeScalePort } from "@emqx-reconciler/runtime";
import { CliError, type Command } from "../command.ts";
import { sendScaleRequest } from "../scaleBus.ts";
import { parseReplicasChange, scaleCr } from "../scaleCr.ts";

const ROLES = ["core", "replicant"] as const;

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

const scale: Command = {
  usage: `Usage: emqx-reconciler scale <namespace>/<name> [--role replicant|core] --replicas N|+N|-N
                             [--kubeconfig path] [--context name] [--bus name --cluster id]

Sets one role's replicas of an EMQX CR the way a ScaleRequest does: +N and -N are resolved against the CR's
current spec, and the change is written with the resourceVersion of that same read (a CR edited in between is read
and resolved again). Replicants go through the CR's scale subresource, cores through the spec. Refused, with a
Warning Event on the CR: cores below 1, counts outside the reconciler's limit or the CR's
apps.emqx.io/scale-{min,max}-{cores,replicants} annotations. A change leaves a ScaleRequested Event naming who asked.
The running reconciler then scales as for any edit (replicants removed are evacuated first on Enterprise builds).

Options:
  --role <role>           replicant (default) or core
  --replicas <n|+n|-n>    the new count, or a change of the current one
  --kubeconfig <path>     kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  --context <name>        kubeconfig context (default: the current one)
                          (the sandbox's: --kubeconfig "$(emqx-reconciler sandbox kubeconfig)")
  --bus <name>            the AWS path: send the resolved count as a ScaleRequest on this EventBridge bus
                          (AWS credentials and region from the environment); the scale function applies it
  --cluster <id>          with --bus: the cluster id the registry serves (default: the kubeconfig context)

Exit codes: 0 scaled or unchanged, 1 refused, absent or failed, 2 bad arguments.

Examples:
  emqx-reconciler scale mq/emqx --replicas +1
  emqx-reconciler scale mq/emqx --role core --replicas 3 --context prod
  emqx-reconciler scale mq/emqx --replicas +1 --context prod --bus emqx-reconciler --cluster prod`,
  options: {
    role: { type: "string" },
    replicas: { type: "string" },
    kubeconfig: { type: "string" },
    context: { type: "string" },
    bus: { type: "string" },
    cluster: { type: "string" },
  },
  allowPositionals: true,
  async run(args) {
    const [ref, extra] = args.positionals;
    const m = /^([a-z0-9][a-z0-9-]*)\/([a-z0-9][a-z0-9.-]*)$/.exec(ref ?? "");
    if (!m || extra !== undefined)
      throw new CliError("scale: give exactly one <namespace>/<name>", { exitCode: 2 });
    const role = text(args.values.role) ?? "replicant";
    if (!ROLES.includes(role as (typeof ROLES)[number]))
      throw new CliError(`scale: --role must be replicant or core, got '${role}'`, { exitCode: 2 });
    const change = parseReplicasChange(text(args.values.replicas) ?? "");
    if (!change) throw new CliError("scale: --replicas must be N, +N or -N", { exitCode: 2 });
    const path = text(args.values.kubeconfig);
    const context = text(args.values.context);
    const kubeConfig = path ? loadKubeconfigFile(path, context) : loadDefaultKubeconfig(context);
    const cluster = text(args.values.cluster) ?? kubeConfig.name;
    const http = new KubeHttp({ kubeConfig });
    const bus = text(args.values.bus);
    const lines: string[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string, fields?: Record<string, unknown>) =>
        void lines.push(`${message}: ${String(fields?.why ?? "")}`),
      error: () => undefined,
    };
    try {
      const [, namespace = "", name = ""] = m;
      if (bus) {
        const target = { cluster, namespace, name, role: role as (typeof ROLES)[number], change };
        // The AWS SDK only on this path: the embedded one never loads it.
        const { busTarget } = await import("@emqx-reconciler/adapters/aws");
        const sent = await sendScaleRequest(kubeScalePort(http), await busTarget(bus), target);
        if (sent.outcome === "absent") throw new CliError(`scale: EMQX ${namespace}/${name} does not exist`);
        console.log(
          `${namespace}/${name} ${role}s → ${sent.replicas} requested on bus ${bus} (${sent.eventId})`,
        );
        return 0;
      }
      const result = await scaleCr(kubeScalePort(http), logger, {
        cluster,
        namespace,
        name,
        role: role as (typeof ROLES)[number],
        change,
      });
      const what = `${namespace}/${name} ${role}s`;
      if (result.outcome === "scaled") console.log(`${what} → ${result.replicas}`);
      else if (result.outcome === "unchanged") console.log(`${what} already ${result.replicas}`);
      else if (result.outcome === "absent")
        throw new CliError(`scale: EMQX ${namespace}/${name} does not exist`);
      else throw new CliError(`scale: refused: ${lines.at(-1) ?? "see the CR's Events"}`);
      return 0;
    } finally {
      await http.close();
    }
  },
};

export default scale;
