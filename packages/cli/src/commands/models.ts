/** `pictor models`: every built-in provider's models with modes, size rules, qualities and price. */
import { builtInProviders, describeRule, type ModelSpec } from 'pictor';
import type { Command } from './command.ts';

export const models: Command = {
  usage: '',
  summary: 'providers and models: modes, sizes, qualities, price',
  help: `pictor models [--json]
  Lists providers and models with modes, size rules, qualities and price.`,
  async run({ values, io }) {
    const table = builtInModels();
    if (values.json) {
      io.stdout.write(`${JSON.stringify(table.map(({ model, spec }) => ({ model, ...spec })), null, 2)}\n`);
      return 0;
    }
    for (const { model, spec } of table) io.stdout.write(`${model}\n${describeModel(spec)}\n\n`);
    return 0;
  },
};

/** Every built-in model as 'provider:model' with its spec. */
export function builtInModels(): { model: string; providerId: string; spec: ModelSpec }[] {
  return Object.entries(builtInProviders).flatMap(([providerId, registration]) => {
    const create = typeof registration === 'function' ? registration : registration.create;
    // Built without a key on purpose: listing models makes no request (keys are checked at call time).
    const provider = create({});
    return Object.values(provider.models).map((spec) => ({ model: `${providerId}:${spec.id}`, providerId, spec }));
  });
}

function describeModel(spec: ModelSpec): string {
  return [
    `  modes      ${spec.modes.join(', ')} (default ${spec.defaultMode})`,
    `  qualities  ${spec.qualities.join(', ')} (default ${spec.defaultQuality})`,
    `  sizes      ${describeRule(spec.sizes)}; default ${spec.sizes.default}`,
    `  price      ${spec.pricePerImageUsd === undefined ? 'not published' : `$${spec.pricePerImageUsd} per image`}`,
  ].join('\n');
}
