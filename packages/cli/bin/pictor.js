#!/usr/bin/env node
// The `pictor` bin, committed as plain JS so it exists right after `pnpm install`.
// In a checkout it runs the TypeScript sources (no build needed); installed from
// the registry (under node_modules, where Node won't strip types) it runs dist/.
import { realpathSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

if (/[\\/]node_modules[\\/]/.test(realpathSync(fileURLToPath(import.meta.url)))) {
  await import('../dist/bin.js');
} else {
  registerHooks({ resolve: (specifier, context, next) => next(specifier, { ...context, conditions: [...context.conditions, '@pictor/source'] }) });
  await import('../src/bin.ts');
}
