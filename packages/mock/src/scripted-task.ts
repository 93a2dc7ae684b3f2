/** What a fake provider (the in-process mock, the HTTP emulator in @pictor/testing) keeps of a task it accepted. */
export interface ScriptedTask {
  readonly prompt: string;
  /** The size painted, in px. */
  readonly width: number;
  readonly height: number;
  /** When it was accepted, in ms since the epoch (of the fake provider's clock). */
  readonly acceptedAt: number;
  /** How it ends, as its fault script decided: with images, failed, or successful with zero images. */
  readonly fate: 'ok' | 'failed' | 'empty';
  /** Why a failed task failed. */
  readonly reason?: string | undefined;
}
