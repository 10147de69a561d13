/**
 * The network an address belongs to: its /24 for IPv4, its /48 for IPv6 (one provider's block, not
 * one host). Events carry it as `details.network` beside the address: the address is personal data
 * and is stored masked, the network is kept as sent (like a login's country) so that the detector
 * can tell a client's usual networks from a new one.
 */
export function networkOf(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) ? `${v4[1]}.${v4[2]}.${v4[3]}.0/24` : undefined;
  const v6 = ip.trim().toLowerCase();
  if (!/^[0-9a-f:]+$/.test(v6) || !v6.includes(':')) return undefined;
  // Expand `::` so that the first three groups are the ones written.
  const [head = '', tail] = v6.split('::');
  const groups = head.split(':').filter((g) => g !== '');
  const missing = tail === undefined ? 0 : 8 - groups.length - tail.split(':').filter((g) => g !== '').length;
  const full = [...groups, ...Array(Math.max(0, missing)).fill('0'), ...(tail?.split(':').filter((g) => g !== '') ?? [])];
  if (full.length !== 8 || full.some((g) => g.length > 4)) return undefined;
  return `${full
    .slice(0, 3)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/48`;
}

/** What `networkOf` gives: stored as sent. */
export const NETWORK = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.0\/24|[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/48)$/;
