/**
 * A deployment's own prices (client config `prices`) applied to everything a client hands out:
 * results, sync handles' results, status results, and the results carried by 'submitted' and
 * 'completed' events, so a listener (a cost metric) sees the same cost as the caller.
 */
import { applyPrice, type PriceTable } from './cost.ts';
import type { PictorEvent, PictorEventListener } from './events.ts';
import type { FailoverProvider } from './failover.ts';
import type { CallOptions, TaskHandle } from './types.ts';

export function withPrices(provider: FailoverProvider, prices: PriceTable): FailoverProvider {
  if (Object.keys(prices).length === 0) return provider;
  const priced = <T extends CallOptions | undefined>(options: T): T =>
    options?.onEvent ? ({ ...options, onEvent: pricedListener(options.onEvent, prices) } as T) : options;
  const pricedHandle = (handle: TaskHandle): TaskHandle => (handle.result ? { ...handle, result: applyPrice(handle.result, prices) } : handle);
  return {
    ...provider,
    generate: async (request, options) => {
      const result = await provider.generate(request, priced(options));
      return { ...applyPrice(result, prices), route: result.route };
    },
    submit: async (request, options) => pricedHandle(await provider.submit(request, priced(options))),
    status: async (handle, options) => {
      const status = await provider.status(handle, priced(options));
      return status.result ? { ...status, result: applyPrice(status.result, prices) } : status;
    },
    wait: async (handle, options) => applyPrice(await provider.wait(handle, priced(options)), prices),
  };

  function pricedListener(listener: PictorEventListener, table: PriceTable): PictorEventListener {
    return (event: PictorEvent) => {
      if (event.type === 'completed') return listener({ ...event, result: applyPrice(event.result, table) });
      if (event.type === 'submitted') return listener({ ...event, handle: pricedHandle(event.handle) });
      return listener(event);
    };
  }
}
