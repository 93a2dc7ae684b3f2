/**
 * How the poll flags combine with a config file's `providers.<id>.poll` (merged under them by
 * core, call options last): a `--poll` preset must keep the learned plan it tunes even when the
 * config asks for a fixed cadence, and `--poll-first` must select the fixed cadence.
 */
import { describe, expect, it } from 'vitest';
import { POLL_PRESETS } from 'pictor';
import { usesFixedPlan } from '../../core/src/poll.ts';
import { pollOptionsOf } from '../src/args.ts';

/** Every fixed-cadence setting a config file can hold. */
const CONFIG_POLL = { firstDelayMs: 500, firstDelayRatio: 0.5, intervalMs: 300, intervalRatio: 0.1, factor: 1.2, timeoutMs: 5_000 };

describe('--poll and --poll-first over a config file\'s poll settings', () => {
  it('a preset wins over a fixed cadence in the config: the learned plan it tunes runs', () => {
    for (const name of Object.keys(POLL_PRESETS)) {
      const merged = { ...CONFIG_POLL, ...pollOptionsOf({ poll: name }) };
      expect(usesFixedPlan(merged), name).toBe(false);
      expect(merged).toMatchObject(POLL_PRESETS[name as keyof typeof POLL_PRESETS]);
      // Settings that are not about the cadence (the deadline) still come from the config.
      expect(merged.timeoutMs).toBe(5_000);
    }
  });

  it('--poll-first selects the fixed cadence; --timeout goes with either', () => {
    expect(usesFixedPlan({ ...pollOptionsOf({ 'poll-first': '0' }) })).toBe(true);
    expect(pollOptionsOf({ 'poll-first': '250', timeout: '9000' })).toEqual({ firstDelayMs: 250, timeoutMs: 9_000 });
    expect(pollOptionsOf({ poll: 'eager', timeout: '9000' })).toMatchObject({ ...POLL_PRESETS.eager, timeoutMs: 9_000 });
    expect(pollOptionsOf({})).toEqual({});
  });
});
