/**
 * The one temporality rule of every reader and SDK side here: observable gauges delta, the rest
 * as the reader would have it (cumulative unless it says otherwise).
 *
 * Why: with cumulative temporality, sdk-metrics keeps exporting an observable gauge's attribute
 * sets after the callback stopped observing them (the spec says it SHOULD NOT), so a device that
 * went offline would stay frozen at its last values. Delta makes each collection report exactly
 * what the callbacks observed; a gauge's value is the same either way. Counters and histograms
 * stay cumulative, as Prometheus requires and OTLP receivers expect of our energy counters.
 */
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';

export function gaugesDelta(type: InstrumentType, otherwise: AggregationTemporality = AggregationTemporality.CUMULATIVE): AggregationTemporality {
  return type === InstrumentType.OBSERVABLE_GAUGE ? AggregationTemporality.DELTA : otherwise;
}
