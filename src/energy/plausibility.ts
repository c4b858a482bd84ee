/**
 * What an energy input may be believed: the one home of "not a reading" and of "faster than
 * the device can deliver". Every counter (device, daily, integrated) judges its input here, so
 * the three can never disagree on a sentinel or on the margin. Knows nothing of OpenTelemetry.
 */

/** uint32 "n/a", seen on neighbouring capacity fields (`chgCap`, `dsgCap`): never a reading. */
const UINT32_NOT_AVAILABLE = 4294967295;

/**
 * Room above a counter's rated power: surges, rounding of whole-Wh counters and clocks that
 * disagree by a second. An input beyond twice the rating is a misreading.
 */
export const RATING_MARGIN = 2;

/**
 * An energy or power value as a reading: a finite number ≥ 0 below the uint32 sentinel. Absent
 * values, negatives, 4294967295, NaN and non-numbers are "not available", never 0.
 */
export function availableValue(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < UINT32_NOT_AVAILABLE ? value : undefined;
}

/** The most joules a counter rated `ratedWatts` can plausibly grow by in `elapsedMs` (margin included). */
function maxGrowthJoules(ratedWatts: number, elapsedMs: number): number {
  return ratedWatts * RATING_MARGIN * (Math.max(0, elapsedMs) / 1000);
}

/**
 * Whether growing by `joules` in `elapsedMs` is within what a counter rated `ratedWatts` can
 * count. `stepJoules`: the counter's resolution (3600 J for whole Wh), one step of which may come
 * at any moment, however short the time since the last reading.
 */
export function plausibleGrowth(joules: number, ratedWatts: number, elapsedMs: number, stepJoules = 0): boolean {
  return joules >= 0 && joules <= maxGrowthJoules(ratedWatts, elapsedMs) + stepJoules;
}

/** Whether a power reading (W, ≥ 0) is within what a counter rated `ratedWatts` can count. */
export function plausiblePower(watts: number, ratedWatts: number): boolean {
  return watts >= 0 && watts <= ratedWatts * RATING_MARGIN;
}
