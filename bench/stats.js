/** Summary statistics for wall-time samples. Medians and p90, not means: one slow run on a shared machine should not move the figure. */

/** The q-quantile (0..1) of `samples`, interpolating linearly between the two nearest ranks. */
export function quantile(samples, q) {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(samples) {
  return quantile(samples, 0.5);
}

/** Median and p90 in ms, rounded to 0.1 ms, plus the raw samples for --json. */
export function summarize(samplesMs) {
  const round = (x) => Math.round(x * 10) / 10;
  return {
    medianMs: round(median(samplesMs)),
    p90Ms: round(quantile(samplesMs, 0.9)),
    minMs: round(Math.min(...samplesMs)),
    maxMs: round(Math.max(...samplesMs)),
    samplesMs: samplesMs.map(round),
  };
}

/** a / b rounded to two decimals; null when b is 0 or either is missing. */
export function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}
