import { metrics, type Attributes } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader, type Histogram } from '@opentelemetry/sdk-metrics';

/**
 * The local hosts' metrics (tests and `npm start`): an OpenTelemetry MeterProvider whose reader
 * keeps nothing itself and is read on demand, so a test asks for the points a behaviour left right
 * after driving it. One provider per process, registered globally once: vitest runs the stacks of
 * a file in one process, so values are cumulative across them; tests compare before and after, or
 * read attributes only their own data carries (a waitlist id).
 */

/** Collects when asked (`collect()`), never on a timer, and exports nowhere. */
class OnDemandReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** One data point: a counter's or gauge's value, or a histogram's count, sum, min and max. */
export interface MetricPoint {
  readonly attributes: Attributes;
  readonly value: number | Histogram;
}

export interface LocalMetrics {
  /** The points of the metric named `name` whose attributes include every one of `attributes`. */
  points(name: string, attributes?: Attributes): Promise<MetricPoint[]>;
  /** A counter's total over those points, or a histogram's number of recordings. */
  total(name: string, attributes?: Attributes): Promise<number>;
  /** A gauge's last recorded value, for attributes that pick one point (undefined when none). */
  gauge(name: string, attributes?: Attributes): Promise<number | undefined>;
  /** A histogram's recordings over those points: how many, their sum, the smallest and largest. */
  histogram(name: string, attributes?: Attributes): Promise<{ count: number; sum: number; min: number; max: number }>;
}

const reader = new OnDemandReader();
const provider = new MeterProvider({ readers: [reader] });

const includes = (attributes: Attributes, wanted: Attributes): boolean =>
  Object.entries(wanted).every(([key, value]) => attributes[key] === value);

async function points(name: string, wanted: Attributes = {}): Promise<MetricPoint[]> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new AggregateError(errors, 'collecting metrics failed');
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric): MetricPoint[] =>
      metric.dataPointType === DataPointType.HISTOGRAM
        ? metric.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value }))
        : metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM
          ? []
          : metric.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value })),
    )
    .filter((point) => includes(point.attributes, wanted));
}

const localMetrics: LocalMetrics = {
  points,
  async total(name, attributes) {
    const found = await points(name, attributes);
    return found.reduce((sum, point) => sum + (typeof point.value === 'number' ? point.value : point.value.count), 0);
  },
  async gauge(name, attributes) {
    const last = (await points(name, attributes)).at(-1);
    return typeof last?.value === 'number' ? last.value : undefined;
  },
  async histogram(name, attributes) {
    const found = (await points(name, attributes)).map((point) => point.value).filter((value) => typeof value !== 'number');
    return {
      count: found.reduce((sum, h) => sum + h.count, 0),
      sum: found.reduce((sum, h) => sum + (h.sum ?? 0), 0),
      min: Math.min(...found.map((h) => h.min ?? Infinity)),
      max: Math.max(...found.map((h) => h.max ?? -Infinity)),
    };
  },
};

/**
 * Makes the local provider the global one (once per process; again after `metrics.disable()`, as
 * the telemetry bench does between its rounds) and returns the way to read it.
 */
export function registerLocalMetrics(): LocalMetrics {
  if (metrics.getMeterProvider() !== provider) metrics.setGlobalMeterProvider(provider);
  return localMetrics;
}
