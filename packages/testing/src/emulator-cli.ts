#!/usr/bin/env node
/**
 * `pictor-emulator`: runs the provider emulator on 127.0.0.1 for manual testing.
 *   pictor-emulator [--port 8787] [--latency ms] [--duration ms] [--fault-rate 0..1]
 * Then: createZai({ baseURL: '<url>/zai/api/paas/v4', apiKey: 'any' }), or the printed client config.
 */
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorFault } from './emulator.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    latency: { type: 'string', default: '0' },
    duration: { type: 'string', default: '2000' },
    'fault-rate': { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: pictor-emulator [--port 8787] [--latency ms] [--duration ms] [--fault-rate 0..1]');
  process.exit(0);
}

const numbers = { port: Number(values.port), latency: Number(values.latency), duration: Number(values.duration), rate: Number(values['fault-rate']) };
for (const [name, value] of Object.entries(numbers)) {
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number`);
    process.exit(2);
  }
}
const faults: EmulatorFault[] = numbers.rate > 0 ? [{ type: 'http', status: 503, rate: numbers.rate }] : [];
const emulator = await startEmulator({ port: numbers.port, latencyMs: numbers.latency, durations: numbers.duration, faults });
console.log(`Pictor emulator on ${emulator.url}`);
console.log(`  Z.AI baseURL:   ${emulator.zaiBaseURL}`);
console.log(`  Novita baseURL: ${emulator.novitaBaseURL}`);
// A ready config for `pictor --config` or createImageClient, polling at the emulator's pace.
const config = { model: 'zai:glm-image', fallbacks: ['novita:glm-image'], providers: { zai: emulator.providerConfig('zai'), novita: emulator.providerConfig('novita') } };
console.log(`  client config:  ${JSON.stringify(config)}`);
const stop = () => void emulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
