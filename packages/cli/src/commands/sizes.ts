/** `pictor sizes <model> [WxH]`: a model's size rule, or whether a size is valid and the nearest valid ones. */
import { formatSize, nearestValidSizes, parseSize, toPictorError, validateSize, describeRule, invalidRequest } from 'pictor';
import { EXIT_CODES } from '../exit-codes.ts';
import { UsageError } from '../io.ts';
import type { Command } from './command.ts';
import { builtInModels } from './models.ts';

export const sizes: Command = {
  usage: '<model> [WxH]',
  summary: 'a model\'s size rule; with a size, whether it is valid',
  help: `pictor sizes <model> [WxH] [--json]
  <model> is 'model' or 'provider:model'. Prints the rule and presets; given a size, says
  whether it is valid and the nearest valid sizes (exit 2 when invalid).`,
  async run({ values, positionals, io }) {
    const [name, size] = positionals;
    if (!name) throw new UsageError('sizes: a model is required, e.g. pictor sizes glm-image 1000x1000');
    const spec = builtInModels().find(({ model, spec }) => model === name || spec.id === name)?.spec;
    if (!spec) throw invalidRequest(`unknown model "${name}"`);
    if (size === undefined) {
      io.stdout.write(values.json ? `${JSON.stringify(spec.sizes, null, 2)}\n` : `${spec.id}: ${describeRule(spec.sizes)}; default ${spec.sizes.default}\n`);
      return 0;
    }
    try {
      const valid = validateSize(size, spec.sizes, spec.id);
      io.stdout.write(values.json ? `${JSON.stringify({ size: formatSize(valid), valid: true })}\n` : `${formatSize(valid)} is valid for ${spec.id}\n`);
      return 0;
    } catch (error) {
      if (!values.json) throw error;
      io.stdout.write(`${JSON.stringify({ size, valid: false, reason: toPictorError(error).message, nearest: nearestOf(size, spec.sizes) })}\n`);
      return EXIT_CODES.invalid_request;
    }
  },
};

function nearestOf(size: string, rule: Parameters<typeof nearestValidSizes>[1]): string[] {
  try {
    return nearestValidSizes(parseSize(size), rule).map(formatSize);
  } catch {
    return []; // an unparsable size has no nearest sizes to offer
  }
}
