/**
 * A small seeded generator (mulberry32), so that a failing crash test's kill points and faults can
 * be replayed with CRASH_TEST_SEED.
 */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { between: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)), next };
}
