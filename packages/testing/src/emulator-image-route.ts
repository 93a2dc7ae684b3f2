/** The emulator's image route: {url}/images/{taskId}-{index}.png, real PNGs of the task's size. */
import type { ServerResponse } from 'node:http';
import { paintPng } from '@pictor/mock';
import { send } from './emulator-http.ts';
import type { EmulatorState } from './emulator-state.ts';

export const IMAGE_PREFIX = '/images/';

export async function serveImage(state: EmulatorState, path: string, res: ServerResponse): Promise<void> {
  state.count('image');
  const match = /^\/images\/(.+)-(\d+)\.png$/.exec(path);
  const task = match ? state.tasks.get(match[1] as string) : undefined;
  if (!task) return send(res, 404, { error: 'no such image' });
  const size = state.options.imageSize ?? { width: task.width, height: task.height };
  const png = await paintPng(size.width, size.height, task.prompt, Number(match?.[2] ?? 0));
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.byteLength) });
  res.end(png);
}
