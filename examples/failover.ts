/**
 * Run: `node --conditions=@pictor/source examples/failover.ts`
 *
 * Failover: the primary provider is down (here, a mock scripted to answer 503);
 * the client moves to the fallback, and the result tells the route it took.
 * Nothing is submitted twice: the primary refused the task, so trying the
 * fallback cannot pay twice.
 */
import { collectEvents, createImageClient } from 'pictor';

export async function runFailover(prompt = 'A paper boat on a puddle') {
  const client = createImageClient({
    model: 'mock:glm-image',
    fallbacks: ['mock:cogview-4-250304'],
    providers: { mock: { durationMs: 50, faults: [{ on: 'submit', error: 'provider_unavailable', prompt: 'boat', times: 1 }] } },
  });
  const { events, listener } = collectEvents();
  const result = await client.generate({ prompt }, { onEvent: listener });
  return { result, events };
}

if (import.meta.main) {
  const { result, events } = await runFailover();
  console.log(`Served by ${result.provider}:${result.model}`);
  for (const step of result.route) console.log(`  ${step.candidate}: ${step.outcome}${step.reason ? ` (${step.reason})` : ''}`);
  console.log(`Events: ${events.map((e) => e.type).join(' → ')}`);
}
