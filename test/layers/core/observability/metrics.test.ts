import { loadConfig } from '../../../../layers/core/src/config';
import { emfMetrics, metricsFromEnvironment, METRIC_NAMES, METRIC_NAMESPACE, NO_METRICS } from '../../../../layers/core/src/observability/metrics';
import { createRuntime } from '../../../../layers/core/src/runtime';

interface EmfLine {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

/** Runs `act` and returns the EMF lines it wrote to stdout (Powertools writes them there). */
function emfLinesOf(act: () => void): EmfLine[] {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

describe('emfMetrics()', () => {
  it('writes one EMF line per data point, in the Edgeprint namespace, with its dimension and value', () => {
    const metrics = emfMetrics();
    const lines = emfLinesOf(() => {
      metrics.forwarded('ga4', 3);
      metrics.deadLettered(undefined);
      metrics.aggregateLag(-5);
    });
    expect(lines).toHaveLength(3);
    const [forwarded, deadLettered, lag] = lines;
    expect(forwarded!._aws.CloudWatchMetrics[0]).toEqual(
      expect.objectContaining({ Namespace: METRIC_NAMESPACE, Metrics: [expect.objectContaining({ Name: METRIC_NAMES.forwarded, Unit: 'Count' })] }),
    );
    expect(forwarded!._aws.CloudWatchMetrics[0]!.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'provider']));
    expect(forwarded).toEqual(expect.objectContaining({ service: 'edgeprint', provider: 'ga4', [METRIC_NAMES.forwarded]: 3 }));
    // A message the forwarder could not read has no provider.
    expect(deadLettered).toEqual(expect.objectContaining({ provider: 'none', [METRIC_NAMES.deadLettered]: 1 }));
    // A clock running behind the event's time is no negative lag.
    expect(lag).toEqual(expect.objectContaining({ [METRIC_NAMES.aggregateLag]: 0 }));
  });

  it('writes nothing for a provider that delivered nothing', () => {
    expect(emfLinesOf(() => emfMetrics().forwarded('matomo', 0))).toEqual([]);
  });
});

describe('metricsFromEnvironment()', () => {
  it('emits only inside Lambda, and not when POWERTOOLS_METRICS_DISABLED is true', () => {
    expect(metricsFromEnvironment({})).toBe(NO_METRICS);
    expect(metricsFromEnvironment({ AWS_LAMBDA_FUNCTION_NAME: 'edgeprint-collect', POWERTOOLS_METRICS_DISABLED: 'true' })).toBe(NO_METRICS);
    const inLambda = metricsFromEnvironment({ AWS_LAMBDA_FUNCTION_NAME: 'edgeprint-collect' });
    expect(inLambda).not.toBe(NO_METRICS);
    expect(emfLinesOf(() => inLambda.recorded('collect'))).toEqual([expect.objectContaining({ route: 'collect', [METRIC_NAMES.recorded]: 1 })]);
    expect(emfLinesOf(() => NO_METRICS.recorded('collect'))).toEqual([]);
  });
});

describe('the drop counter', () => {
  it('emits EventsDropped per reason inside Lambda', () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'edgeprint-collect';
    try {
      const runtime = createRuntime(loadConfig({ EDGEPRINT_TABLE: 'edgeprint-test', AWS_REGION: 'eu-west-1' }));
      const lines = emfLinesOf(() => runtime.drops.count('bot', 'collect'));
      expect(lines).toEqual([expect.objectContaining({ reason: 'bot', [METRIC_NAMES.dropped]: 1 })]);
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
  });
});
