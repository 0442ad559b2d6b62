// Integer apportionment by the largest-remainder (Hamilton) method: shares a whole
// number of kg out in proportion to integer weights so that the parts add up to the
// whole exactly. Ties in the remainder go to the smaller key, so the result is a
// pure function of its inputs. See docs/attribution.md.

/** Shares `total` (≥ 0) out by `weights` (≥ 0). Returns key → kg, only non-zero parts; {} when the weights are all zero. */
export function apportion(total: number, weights: Record<string, number>): Record<string, number> {
  if (!Number.isSafeInteger(total) || total < 0) throw new Error(`apportion: total must be a non-negative integer, got ${total}`);
  const keys = Object.keys(weights)
    .filter((k) => weights[k]! > 0)
    .sort();
  const sum = keys.reduce((s, k) => s + weights[k]!, 0);
  if (sum === 0 || total === 0) return {};
  for (const k of keys) if (!Number.isSafeInteger(weights[k])) throw new Error(`apportion: weight ${k} must be an integer`);
  // floor(total·w/sum) and the remainder, exactly: in BigInt when the product could exceed 2^53
  const exact = total * sum <= Number.MAX_SAFE_INTEGER;
  const parts = keys.map((k) => {
    const w = weights[k]!;
    if (exact) {
      const p = total * w;
      return { k, q: Math.floor(p / sum), r: p % sum };
    }
    const p = BigInt(total) * BigInt(w);
    return { k, q: Number(p / BigInt(sum)), r: Number(p % BigInt(sum)) };
  });
  let left = total - parts.reduce((s, p) => s + p.q, 0);
  const byRemainder = [...parts].sort((a, b) => b.r - a.r || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  for (const p of byRemainder) {
    if (left === 0) break;
    p.q += 1;
    left -= 1;
  }
  const out: Record<string, number> = {};
  for (const p of parts) if (p.q > 0) out[p.k] = p.q;
  return out;
}

/** Adds b into a (key-wise). */
export function addMix(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export const mixTotal = (m: Record<string, number>): number => Object.values(m).reduce((s, v) => s + v, 0);
