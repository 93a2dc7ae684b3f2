/**
 * Warnings in both directions. Pictor's kinds: `unsupported` (a setting was not
 * sent), `adjusted` (a setting was changed to one the model takes), `skipped` (a
 * failover candidate was passed over), `other`. The SDK's: `unsupported`,
 * `compatibility`, `deprecated`, `other`.
 */
import type { SharedV4Warning } from '@ai-sdk/provider';
import type { Warning } from '@pictor/core';

export function toSdkWarning(warning: Warning): SharedV4Warning {
  switch (warning.type) {
    case 'unsupported':
      return { type: 'unsupported', feature: warning.feature ?? 'setting', details: warning.message };
    case 'adjusted':
      // The request ran with a changed setting: the SDK's "compatibility mode" kind.
      return { type: 'compatibility', feature: warning.feature ?? 'setting', details: warning.message };
    default:
      return { type: 'other', message: warning.message };
  }
}

export function fromSdkWarning(warning: SharedV4Warning): Warning {
  switch (warning.type) {
    case 'unsupported':
      return { type: 'unsupported', feature: warning.feature, message: warning.details ?? `${warning.feature} is not supported` };
    case 'compatibility':
      return { type: 'adjusted', feature: warning.feature, message: warning.details ?? `${warning.feature} runs in a compatibility mode` };
    case 'deprecated':
      return { type: 'other', feature: warning.setting, message: warning.message };
    default:
      return { type: 'other', message: warning.message };
  }
}
