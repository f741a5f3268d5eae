/**
 * One entry per key in every list that server-side apply treats as a map (`x-kubernetes-list-type: map`).
 *
 * The operator writes its pods with Update, which stores a list with two entries of one key as it is; server-side
 * apply cannot: the apiserver answers HTTP 500 `duplicate entries for key [name="…"]` and nothing is written. A
 * user entry that repeats one of ours (`EMQX_CLUSTER__DNS__RECORD_TYPE` in `env`) or one of their own must
 * therefore be merged here, the way the kubelet (or the operator's result) resolves it, so the object we apply is
 * what the pod would run with.
 *
 * Lists of a pod spec and their keys (Kubernetes v1.36 OpenAPI): `containers`, `initContainers` (`name`);
 * `volumes` (`name`); `imagePullSecrets` (`name`); `topologySpreadConstraints` (`topologyKey` +
 * `whenUnsatisfiable`); per container `env` (`name`), `ports` (`containerPort` + `protocol`), `volumeMounts`
 * (`mountPath`), `volumeDevices` (`devicePath`), `resources.claims` (`name`). `tolerations`, `readinessGates`,
 * `envFrom`, `resizePolicy` and the StatefulSet's `volumeClaimTemplates` are atomic lists: duplicates are allowed
 * and kept. Service ports (`port` + `protocol`) are made unique by `mergeServicePorts`.
 *
 * A list without duplicates is returned unchanged (same entries, same order), so existing pod templates and their
 * hashes do not move.
 */
import type { V1Container, V1EnvVar, V1PodSpec } from "@kubernetes/client-node";

/**
 * One entry per key, at the place of the key's FIRST entry, holding its LAST entry: what a map built by reading
 * the list in order ends up with (the kubelet's env), at the place the operator puts its own entry.
 *
 * @example mergeLastWins([{ name: "a", v: 1 }, { name: "b" }, { name: "a", v: 2 }], (e) => e.name)
 * // [{ name: "a", v: 2 }, { name: "b" }]
 */
export function mergeLastWins<T>(list: readonly T[], keyOf: (entry: T) => string): T[] {
  const last = new Map<string, T>();
  for (const entry of list) last.set(keyOf(entry), entry);
  if (last.size === list.length) return [...list];
  const seen = new Set<string>();
  const out: T[] = [];
  for (const entry of list) {
    const key = keyOf(entry);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(last.get(key) as T);
  }
  return out;
}

/** One entry per key, the first one kept where it is; later entries of a seen key are dropped. */
export function mergeFirstWins<T>(list: readonly T[], keyOf: (entry: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((entry) => {
    const key = keyOf(entry);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Replaces each `$(name)` of `text` (not the escaped `$$(name)`) with `value`, as the kubelet's expansion reads it. */
function inlineReference(text: string, name: string, value: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "$") {
      out += "$$";
      i++;
    } else if (text.startsWith(`$(${name})`, i)) {
      out += value;
      i += name.length + 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

/**
 * `env` with one entry per name, resolved as the kubelet does: it reads the list in order into a map, so the LAST
 * entry of a name gives the value (the user's, as the user's `env` comes after ours), and `$(NAME)` in a later
 * value expands to the value the map held at that point. The merged entry takes the place of the first one (ours).
 *
 * Moving the user's value up to our place would change what an entry between the two sees through `$(NAME)` (our
 * `EMQX_HOST` uses `$(POD_NAME)` and `$(EMQX_CLUSTER__DNS__NAME)`); when the earlier value is a plain string
 * without `$`, it is written into those entries instead, so they expand as they did with both entries. A
 * `valueFrom` (or a value with `$`) cannot be inlined: such an entry then sees the user's value.
 */
export function mergeEnv(env: readonly V1EnvVar[]): V1EnvVar[] {
  const winners = new Map(env.map((e) => [e.name, e]));
  if (winners.size === env.length) return [...env];
  const current = new Map<string, V1EnvVar>();
  const fixed = env.map((entry) => {
    let value = entry.value;
    for (const [name, held] of current) {
      const plain = held.valueFrom === undefined && !(held.value ?? "").includes("$");
      if (value === undefined || winners.get(name) === held || !plain) continue;
      value = inlineReference(value, name, held.value ?? "");
    }
    current.set(entry.name, entry);
    return value === entry.value ? entry : { ...entry, value };
  });
  return mergeLastWins(fixed, (e) => e.name);
}

/** Key of a container port: number and protocol, the protocol defaulting to TCP as the apiserver fills it. */
function portKey(port: { containerPort: number; protocol?: string }): string {
  return `${port.containerPort}/${port.protocol ?? "TCP"}`;
}

/**
 * A container with its keyed lists made unique: `env` as {@link mergeEnv}; `volumeMounts` by `mountPath`,
 * `volumeDevices` by `devicePath`, `resources.claims` by `name`, the last entry winning at the first's place (our
 * mounts come first, so a user mount at one of our paths replaces ours where ours was); `ports` by
 * `containerPort` + `protocol`, the first kept, as the operator's own port merge keeps the first.
 */
export function withUniqueContainerKeys(container: V1Container): V1Container {
  const out: V1Container = { ...container };
  if (container.env) out.env = mergeEnv(container.env);
  if (container.ports) out.ports = mergeFirstWins(container.ports, portKey);
  if (container.volumeMounts) out.volumeMounts = mergeLastWins(container.volumeMounts, (m) => m.mountPath);
  if (container.volumeDevices)
    out.volumeDevices = mergeLastWins(container.volumeDevices, (d) => d.devicePath);
  const claims = container.resources?.claims;
  if (claims) out.resources = { ...container.resources, claims: mergeLastWins(claims, (c) => c.name) };
  return out;
}

/**
 * A pod spec with every keyed list made unique.
 * - `containers`, `initContainers`: by `name`, the FIRST kept. The apiserver refuses two containers of one name
 *   (the operator's update then fails for ever), so there is no kubelet rule to copy; keeping the first keeps the
 *   `emqx` container ours, with the cluster's env, mounts and probes, whatever `extraContainers` holds. Each
 *   container's own lists as {@link withUniqueContainerKeys}.
 * - `volumes`: by `name`, the LAST (the user's `extraVolumes` come after ours) at the first's place: a user volume
 *   named like one of ours replaces it, as the user asked. The apiserver refuses duplicate volume names too.
 * - `imagePullSecrets`, `topologySpreadConstraints`: the last at the first's place (the entries of one key are the
 *   same reference, or the apiserver refuses duplicates).
 */
export function withUniquePodKeys(spec: V1PodSpec): V1PodSpec {
  const out: V1PodSpec = {
    ...spec,
    containers: mergeFirstWins(spec.containers, (c) => c.name).map(withUniqueContainerKeys),
  };
  if (spec.initContainers) {
    out.initContainers = mergeFirstWins(spec.initContainers, (c) => c.name).map(withUniqueContainerKeys);
  }
  if (spec.volumes) out.volumes = mergeLastWins(spec.volumes, (v) => v.name);
  if (spec.imagePullSecrets) out.imagePullSecrets = mergeLastWins(spec.imagePullSecrets, (s) => s.name ?? "");
  if (spec.topologySpreadConstraints) {
    out.topologySpreadConstraints = mergeLastWins(
      spec.topologySpreadConstraints,
      (t) => `${t.topologyKey}/${t.whenUnsatisfiable}`,
    );
  }
  return out;
}
