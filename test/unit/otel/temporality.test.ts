import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';
import { gaugesDelta } from '../../../src/otel/temporality.js';

test('observable gauges are delta; every other instrument is cumulative, or what the reader asks for', () => {
  assert.equal(gaugesDelta(InstrumentType.OBSERVABLE_GAUGE), AggregationTemporality.DELTA);
  assert.equal(gaugesDelta(InstrumentType.OBSERVABLE_GAUGE, AggregationTemporality.CUMULATIVE), AggregationTemporality.DELTA);
  for (const type of [InstrumentType.OBSERVABLE_COUNTER, InstrumentType.COUNTER, InstrumentType.HISTOGRAM, InstrumentType.GAUGE]) {
    assert.equal(gaugesDelta(type), AggregationTemporality.CUMULATIVE, type);
    assert.equal(gaugesDelta(type, AggregationTemporality.DELTA), AggregationTemporality.DELTA, `${type}: the reader's choice`);
  }
});
