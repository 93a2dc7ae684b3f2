/**
 * Node-only helpers (`@pictor/core/node`): writing images to disk. Kept out of
 * the main entry so core runs on any runtime with fetch.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { parseClientConfig, type ClientConfig } from './client.ts';
import { download, extensionFor, type DownloadOptions } from './download.ts';
import { PictorError } from './errors.ts';
import type { GeneratedImage, ImageResult } from './types.ts';

export interface SavedImage {
  readonly path: string;
  readonly bytes: number;
  readonly mediaType: string;
}

/**
 * Downloads one image and writes it. `target` is a file path, or a directory
 * (existing, or ending in '/') in which `name` plus the right extension is used.
 */
export async function saveImage(
  image: GeneratedImage | string,
  target: string,
  options: DownloadOptions & { readonly name?: string } = {},
): Promise<SavedImage> {
  const { bytes, mediaType } = await download(image, options);
  const path = (await isDirectory(target))
    ? join(target, `${options.name ?? `image-${Date.now()}`}.${extensionFor(mediaType)}`)
    : extname(target) === ''
      ? `${target}.${extensionFor(mediaType)}`
      : target;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return { path, bytes: bytes.byteLength, mediaType };
}

/** Saves every image of a result into a directory, named after the task. */
export async function saveResult(result: ImageResult, directory: string, options: DownloadOptions = {}): Promise<SavedImage[]> {
  await mkdir(directory, { recursive: true });
  const stem = `${result.provider}-${result.model}-${fileSafeId(result.taskId ?? result.requestId ?? Date.now().toString())}`;
  const saved: SavedImage[] = [];
  for (const [index, image] of result.images.entries()) {
    const name = result.images.length > 1 ? `${stem}-${index + 1}` : stem;
    saved.push(await saveImage(image, directory.endsWith('/') ? directory : `${directory}/`, { ...options, name }));
  }
  return saved;
}

/** Ids become file names: unsafe characters replaced, long ids (the mock's) shortened to a hash. */
function fileSafeId(id: string): string {
  const safe = id.replace(/[^\w.-]/g, '_');
  if (safe.length <= 40) return safe;
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return `${safe.slice(0, 16)}-${(hash >>> 0).toString(16)}`;
}

async function isDirectory(path: string): Promise<boolean> {
  if (path.endsWith('/')) return true;
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Reads a client config from a JSON file; errors name the file and the bad field. */
export async function loadClientConfig(path: string): Promise<ClientConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PictorError({ kind: 'invalid_request', retryable: false, message: `Cannot read config file ${path}: ${(error as Error).message}`, cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PictorError({ kind: 'invalid_request', retryable: false, message: `Config file ${path} is not valid JSON: ${(error as Error).message}`, cause: error });
  }
  try {
    return parseClientConfig(value);
  } catch (error) {
    throw error instanceof PictorError ? error.with({ message: `${path}: ${error.message}` }) : error;
  }
}
