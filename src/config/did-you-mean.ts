/** "did you mean 'clientSecret'?" for a mistyped key or option. */

/** Edit distance where swapping two neighbouring letters counts as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Short words tolerate one edit, longer ones two; a prefix of four letters or more counts too. */
const MAX_EDITS_SHORT = 1;
const MAX_EDITS = 2;
const SHORT_WORD = 5;
const MIN_PREFIX = 4;

export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const word = input.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    if (other === word) return candidate;
    const limit = Math.min(word.length, other.length) <= SHORT_WORD ? MAX_EDITS_SHORT : MAX_EDITS;
    let distance = editDistance(word, other);
    if (distance > limit && word.length >= MIN_PREFIX && (other.startsWith(word) || word.startsWith(other))) distance = limit;
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
