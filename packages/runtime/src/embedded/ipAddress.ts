/** An IP address as an unsigned integer of its family's width (32 or 128 bits). */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * Parses a dotted IPv4 address into an unsigned 32-bit number, or -1 when the text is not one. Hand-rolled
 * because it runs for every event value a `cidr` pattern looks at.
 */
function parseIpv4Number(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57 && digits < 3) {
      octet = octet * 10 + (code - 48);
      digits++;
      if (octet > 255) return -1;
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : -1;
}

function parseIpv4(text: string): bigint | undefined {
  const value = parseIpv4Number(text);
  return value < 0 ? undefined : BigInt(value);
}

/** Expands the groups of one side of a `::`; an embedded dotted IPv4 tail counts as two groups. */
function parseGroups(text: string, allowIpv4Tail: boolean): bigint[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: bigint[] = [];
  for (const [index, part] of parts.entries()) {
    if (allowIpv4Tail && index === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (HEX_GROUP.test(part)) {
      groups.push(BigInt(`0x${part}`));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** Parses an IPv6 address with `::` compression and an optional dotted IPv4 tail; zone ids are refused. */
function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? "", halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? "", true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return groups.reduce((acc, group) => (acc << 16n) | group, 0n);
}

/** Parses an IPv4 or IPv6 address as EventBridge's `cidr` operator reads event values. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  if (!text.includes(":")) return undefined;
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/**
 * Compiles `"10.0.0.0/24"` or `"2001:db8::/32"` (a bare address means a single host) into a predicate over event
 * values. Throws a sentence naming the rule when the block is malformed.
 */
export function compileCidr(block: string): (value: unknown) => boolean {
  const [address = "", bitsText, ...rest] = block.split("/");
  const network = parseIpAddress(address);
  if (!network || rest.length > 0) throw new Error(`"${block}" is not an IPv4 or IPv6 CIDR block`);
  const width = network.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (!/^\d{1,3}$/.test(bitsText ?? String(width)) || bits > width) {
    throw new Error(`prefix length of "${block}" must be an integer from 0 to ${width}`);
  }
  if (network.family === 4) {
    const size = 2 ** (32 - bits);
    const first = Math.floor(Number(network.value) / size) * size;
    return (value) => {
      if (typeof value !== "string") return false;
      const ip = parseIpv4Number(value);
      return ip >= first && ip < first + size;
    };
  }
  const shift = BigInt(width - bits);
  const wanted = network.value >> shift;
  return (value) => {
    if (typeof value !== "string") return false;
    const ip = parseIpAddress(value);
    return ip !== undefined && ip.family === 6 && ip.value >> shift === wanted;
  };
}
