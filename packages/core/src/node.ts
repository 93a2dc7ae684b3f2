/**
 * Node-only helpers (`@pictor/core/node`): writing images to disk, and DNS-checked
 * downloads. Kept out of the main entry so core runs on any runtime with fetch.
 *
 * A result may come from a handle file (untrusted): every part of a generated file name
 * is sanitised so nothing escapes the output folder, files are created exclusively (never
 * overwritten, a planted symlink never followed), and a file-system failure is a
 * `local_io` error that still carries the image URLs, so a paid result is never lost.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { parseClientConfig, type ClientConfig } from './client.ts';
import { download, type DownloadedImage } from './download.ts';
import type { DownloadOptions, HostLookup } from './download-policy.ts';
import { PictorError, invalidRequest } from './errors.ts';
import { extensionFor, mediaTypeForExtension } from './image-type.ts';
import { createPinnedResolver } from './pinned-fetch.ts';
import type { GeneratedImage, ImageResult } from './types.ts';

export { createPinnedResolver, type PinnedResolver } from './pinned-fetch.ts';

export interface SavedImage {
  readonly path: string;
  readonly bytes: number;
  readonly mediaType: string;
}

/** Every address a host name resolves to (all families), for the download policy. */
export const nodeLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * `download` in Node: every address a host name resolves to (node:dns, or `lookup`) is checked, and
 * the connection goes only to those addresses (pinned-fetch.ts), so a DNS answer that changes between
 * the check and the connection (rebinding) is never dialled. A caller who brings their own `fetch`
 * keeps it, unpinned; its addresses are still checked.
 */
export function downloadPinned(image: GeneratedImage | string, options: DownloadOptions = {}): Promise<DownloadedImage> {
  if (options.fetch) return download(image, { ...options, lookup: options.lookup ?? nodeLookup });
  const pinned = createPinnedResolver(options.lookup ?? nodeLookup);
  return download(image, { ...options, lookup: pinned.lookup, fetch: pinned.fetch });
}

/** Options of saveImage: the download's, plus the file name used when `target` is a directory. */
export type SaveImageOptions = DownloadOptions & {
  /** File name without extension, inside a directory target (sanitised). @default `image-<timestamp>` */
  readonly name?: string | undefined;
};

/**
 * Downloads one image and writes it to a new file. `target` is a file path, or a directory
 * (existing, or ending in '/') in which `name` plus the right extension is used. The download
 * is downloadPinned's: every resolved address checked, connections only to them, unless a `fetch` is given.
 */
export async function saveImage(image: GeneratedImage | string, target: string, options: SaveImageOptions = {}): Promise<SavedImage> {
  const { name, ...downloadOptions } = options;
  const { bytes, mediaType } = await downloadPinned(image, downloadOptions);
  const urls = [typeof image === 'string' ? image : image.url];
  const intoDirectory = await isDirectory(target);
  const path = intoDirectory
    ? join(target, `${safeFileComponent(name ?? `image-${Date.now()}`)}.${extensionFor(mediaType)}`)
    : extname(target) === ''
      ? `${target}.${extensionFor(mediaType)}`
      : target;
  const promised = mediaTypeForExtension(extname(path));
  if (promised !== undefined && promised !== mediaType) {
    throw invalidRequest(`The image is ${mediaType} but ${basename(path)} promises ${promised}: name it .${extensionFor(mediaType)} or save into a directory`, {
      details: { path, urls },
    });
  }
  const written = await writeExclusive(path, bytes, urls, intoDirectory);
  return { path: written, bytes: bytes.byteLength, mediaType };
}

/** Saves every image of a result into a directory, named `<provider>-<model>-<task id>[-n]`. */
export async function saveResult(result: ImageResult, directory: string, options: DownloadOptions = {}): Promise<SavedImage[]> {
  const urls = result.images.map((image) => image.url);
  await makeDirectory(directory, urls);
  const id = result.taskId ?? result.requestId ?? Date.now().toString();
  const stem = [result.provider, result.model, id].map((part) => safeFileComponent(String(part))).join('-');
  const folder = directory.endsWith('/') ? directory : `${directory}/`;
  const saved: SavedImage[] = [];
  for (const [index, image] of result.images.entries()) {
    const name = result.images.length > 1 ? `${stem}-${index + 1}` : stem;
    try {
      saved.push(await saveImage(image, folder, { ...options, name }));
    } catch (error) {
      // The caller learns which files exist and where every image is, so nothing paid is lost.
      throw error instanceof PictorError && error.kind === 'local_io'
        ? error.with({ details: { ...error.details, urls, saved: saved.map((s) => s.path) } })
        : error;
    }
  }
  return saved;
}

/**
 * A string as one safe file-name component: only letters, digits, '.', '_' and '-'; no leading
 * dot (so never '.' or '..'); at most 40 characters, long ids shortened with a hash so two
 * different ids never share a name.
 */
export function safeFileComponent(text: string): string {
  const safe = text.replace(/[^\w.-]/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length)) || '_';
  if (safe.length <= 40) return safe;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${safe.slice(0, 16)}-${(hash >>> 0).toString(16)}`;
}

/**
 * Creates the file with O_CREAT|O_EXCL ('wx'): an existing file is never overwritten and a
 * symlink planted at the name is never followed. In a directory, a taken name gets a suffix.
 */
async function writeExclusive(path: string, bytes: Uint8Array, urls: readonly string[], renameIfTaken: boolean): Promise<string> {
  await makeDirectory(dirname(path), urls);
  const extension = extname(path);
  for (let attempt = 1; ; attempt++) {
    const candidate = attempt === 1 ? path : `${path.slice(0, path.length - extension.length)}-${attempt}${extension}`;
    let handle;
    try {
      handle = await open(candidate, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && renameIfTaken && attempt < 100) continue;
      throw localIoError(candidate, error, urls);
    }
    try {
      await handle.writeFile(bytes);
      await handle.close();
      return candidate;
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(candidate).catch(() => undefined);
      throw localIoError(candidate, error, urls);
    }
  }
}

async function makeDirectory(directory: string, urls: readonly string[]): Promise<void> {
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    // mkdir says EEXIST when a *file* stands where a folder is needed: not an overwrite refusal.
    const inTheWay = (error as NodeJS.ErrnoException)?.code === 'EEXIST' ? 'a file with that name is in the way of the folder' : undefined;
    throw localIoError(directory, error, urls, inTheWay);
  }
}

/** A file-system failure: names the path and the OS code; the images stay reachable by URL. */
export function localIoError(path: string, error: unknown, urls: readonly string[] = [], why?: string): PictorError {
  const code = (error as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
  const reason = why ?? (code === 'EEXIST' ? 'it already exists and is never overwritten' : ((error as Error)?.message ?? String(error)));
  return new PictorError({
    kind: 'local_io',
    message: `Cannot write ${path} (${code}): ${reason}.${urls.length > 0 ? ` The image${urls.length > 1 ? 's are' : ' is'} still at the provider's URL (error.details.urls): save again elsewhere, do not generate again` : ''}`,
    details: { path, code, urls },
    cause: error,
  });
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
    throw invalidRequest(`Cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Only the position: V8's message quotes the text around it, which may be an apiKey.
    const where = /(at )?position \d+( \(line \d+ column \d+\))?/.exec((error as Error).message)?.[0];
    throw invalidRequest(`Config file ${path} is not valid JSON${where ? ` (${where.replace(/^at /, '')})` : ''}`);
  }
  try {
    return parseClientConfig(value);
  } catch (error) {
    throw error instanceof PictorError ? error.with({ message: `${path}: ${error.message}` }) : error;
  }
}
