// Link-local and cloud-metadata addresses and names: what the worker never connects to on a
// plan's behalf, whatever a policy lists (activities/guarded-fetch.ts refuses them at connect
// time, worker/policy-egress.ts in the plan). Loopback is not among them: the lab lives there.
import { BlockList, isIP } from 'node:net';

/** Link-local and metadata addresses: IPv4-mapped IPv6 forms of the IPv4 ones match too (BlockList maps them). */
const FORBIDDEN_ADDRESSES = new BlockList();
// Link-local: the metadata services of AWS, GCP, Azure, OpenStack, Oracle (169.254.169.254),
// ECS task credentials (169.254.170.2), and whatever else a host offers there.
FORBIDDEN_ADDRESSES.addSubnet('169.254.0.0', 16, 'ipv4');
// Alibaba Cloud's metadata service.
FORBIDDEN_ADDRESSES.addAddress('100.100.100.200', 'ipv4');
FORBIDDEN_ADDRESSES.addSubnet('fe80::', 10, 'ipv6');
// AWS's IPv6 metadata service (fd00:ec2::254) and the rest of its reserved block.
FORBIDDEN_ADDRESSES.addSubnet('fd00:ec2::', 32, 'ipv6');
// The IPv4 ones embedded in IPv6 other than as mapped: IPv4-compatible (::a9fe:a9fe), NAT64
// (64:ff9b::a9fe:a9fe) and 6to4 (2002:a9fe::).
for (const prefix of ['::', '64:ff9b::']) {
  FORBIDDEN_ADDRESSES.addSubnet(`${prefix}a9fe:0`, 112, 'ipv6');
  FORBIDDEN_ADDRESSES.addAddress(`${prefix}6464:64c8`, 'ipv6');
}
FORBIDDEN_ADDRESSES.addSubnet('2002:a9fe::', 32, 'ipv6');

/** Names of metadata services, refused before any lookup (a resolver inside the cloud answers them). */
export const METADATA_HOST_NAMES: readonly string[] = [
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
];

/** Whether an IP address (any spelling Node accepts) is link-local or a metadata service's. */
export function forbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return false;
  return FORBIDDEN_ADDRESSES.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why the worker never fetches from `hostname` (a URL's hostname: an IP literal, brackets
 * allowed, or a name), or undefined when only its resolved address can tell.
 */
export function forbiddenHost(hostname: string): string | undefined {
  const host = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.+$/, '');
  if (forbiddenAddress(host)) return `${host} is a link-local or cloud-metadata address`;
  if (METADATA_HOST_NAMES.some((name) => host === name || host.endsWith(`.${name}`)))
    return `${host} is a cloud-metadata service's name`;
  return undefined;
}
