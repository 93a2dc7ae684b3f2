/**
 * Where image downloads may go, and the options that say so. Provider image URLs
 * are untrusted: by default a download never reaches the cloud metadata service
 * (169.254.169.254), a private network, or this machine — except this machine when
 * the provider itself runs on it (the Pictor emulator), so local testing keeps working.
 * Self-hosted setups name their hosts or ranges in `allowHosts`.
 *
 * The main entry has no DNS: it checks the literal host (IP literals in any spelling the
 * URL parser normalises, and `localhost`). `@pictor/core/node` passes a `lookup` that
 * checks every address a host name resolves to.
 */
import { z } from 'zod';
import { addressScope, inPrefix, parseCidr, parseIp, type AddressScope } from './address.ts';
import { PictorError, invalidRequest } from './errors.ts';
import { zodError } from './request.ts';
import type { GeneratedImage } from './types.ts';

export const DEFAULT_MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_REDIRECTS = 5;

/** Resolves a host name to its IP addresses (all of them: each is checked). */
export type HostLookup = (hostname: string) => Promise<readonly string[]>;

const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', `${what} must be a function`);

const AllowEntry = z
  .string()
  .min(1)
  .refine((s) => parseCidr(s) !== undefined || /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(s), {
    message: 'must be a host name, an IP address or a CIDR range such as "10.0.0.0/8"',
  });

export const DownloadOptionsSchema = z
  .object({
    /** Aborts the download (the error is `aborted`). */
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'signal must be an AbortSignal').optional(),
    /**
     * Limit for the whole download, redirects included.
     * @default 60000
     */
    timeoutMs: z.number().int().positive().max(2_147_483_647).default(DEFAULT_DOWNLOAD_TIMEOUT_MS),
    /**
     * Largest image accepted, in bytes. Enforced while streaming, and for data: URLs on the
     * encoded length before anything is decoded.
     * @default 52428800 (50 MiB)
     */
    maxBytes: z.number().int().positive().max(2 ** 31).default(DEFAULT_MAX_DOWNLOAD_BYTES),
    /** The fetch used for http(s) URLs. @default globalThis.fetch */
    fetch: fn<typeof globalThis.fetch>('fetch').optional(),
    /**
     * Hosts, IP addresses or CIDR ranges that may be downloaded from although they are private,
     * loopback or link-local (self-hosted image stores), e.g. `['images.internal', '10.1.0.0/16']`.
     * @default []
     */
    allowHosts: z.array(AllowEntry).max(1000).default([]),
    /**
     * Whether loopback (127.0.0.0/8, ::1, localhost) may be downloaded from.
     * @default true for images returned by a provider whose base URL is itself loopback, else false
     */
    allowLoopback: z.boolean().optional(),
    /**
     * Redirects followed, each hop checked against this policy.
     * @default 5
     */
    maxRedirects: z.number().int().min(0).max(20).default(DEFAULT_MAX_REDIRECTS),
    /**
     * Accept SVG (markup that can carry script). Raster images (PNG, JPEG, WebP, GIF) are
     * always checked by their magic bytes.
     * @default false
     */
    allowSvg: z.boolean().default(false),
    /**
     * Resolves host names so that every resolved address is checked too.
     * @default none in the main entry (literal hosts only); `node:dns` lookup in `@pictor/core/node`
     */
    lookup: fn<HostLookup>('lookup').optional(),
  })
  .strict();

export type DownloadOptions = z.input<typeof DownloadOptionsSchema>;
export type ResolvedDownloadOptions = z.output<typeof DownloadOptionsSchema>;

export function parseDownloadOptions(input: unknown): ResolvedDownloadOptions {
  const parsed = DownloadOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) throw zodError('Invalid download options', parsed.error);
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Images from a loopback provider

/**
 * Images returned by a provider whose base URL is loopback. A WeakSet of result objects (not a
 * field on the image: a handle file could forge a field), dropped with the result.
 */
const fromLoopbackProvider = new WeakSet<object>();

/** True when a base URL points at this machine (the emulator, a local proxy). */
export function isLoopbackURL(baseURL: string | undefined): boolean {
  if (!baseURL) return false;
  try {
    return scopeOfHost(new URL(baseURL).hostname) === 'loopback';
  } catch {
    return false;
  }
}

/** Marks images as coming from a provider on loopback (createProvider does this). */
export function markLoopbackImages(images: readonly GeneratedImage[]): void {
  for (const image of images) fromLoopbackProvider.add(image);
}

/** Whether `download(image)` may reach loopback without an explicit `allowLoopback`. */
export function isLoopbackProviderImage(image: GeneratedImage | string): boolean {
  return typeof image === 'object' && image !== null && fromLoopbackProvider.has(image);
}

// ---------------------------------------------------------------------------------------------
// The check

/** The scope of a URL host without DNS: IP literals, and `localhost` names; undefined for other names. */
function scopeOfHost(hostname: string): AddressScope | undefined {
  const ip = parseIp(hostname);
  if (ip) return addressScope(ip);
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') ? 'loopback' : undefined;
}

export interface DownloadPolicy {
  readonly allowHosts: readonly string[];
  readonly allowLoopback: boolean;
  readonly lookup?: HostLookup | undefined;
}

/** Throws an invalid_request PictorError when the policy forbids `url`'s host. */
export async function checkDownloadHost(url: URL, policy: DownloadPolicy): Promise<void> {
  const hostname = url.hostname.toLowerCase();
  const bare = hostname.replace(/^\[|\]$/g, '');
  // A name is resolved even when allow-listed: a pinning lookup (node entry) must see every host.
  const addresses = parseIp(hostname) ? [bare] : policy.lookup ? await resolve(policy.lookup, bare) : scopeOfHost(hostname) ? [bare] : [];
  if (policy.allowHosts.some((entry) => entry.toLowerCase() === hostname || entry.toLowerCase() === bare)) return;
  for (const address of addresses) {
    const ip = parseIp(address);
    const scope = ip ? addressScope(ip) : (scopeOfHost(address) ?? 'public');
    if (scope === 'public' || (scope === 'loopback' && policy.allowLoopback) || (ip && allowedByRange(ip, policy.allowHosts))) continue;
    const via = address === bare ? '' : ` (it resolves to ${address})`;
    throw invalidRequest(
      `Download refused: ${hostname}${via} is a ${scope} address; image URLs may only point at public hosts. ` +
        (scope === 'loopback'
          ? 'Pass allowLoopback: true (or list the host in allowHosts) to download from this machine'
          : `List the host or its range in allowHosts (e.g. ["${bare}"]) to download from a self-hosted server`),
      { details: { host: hostname, address, scope } },
    );
  }
}

function allowedByRange(ip: Uint8Array, allowHosts: readonly string[]): boolean {
  return allowHosts.some((entry) => {
    const cidr = parseCidr(entry);
    return cidr !== undefined && inPrefix(ip, cidr.network, cidr.bits);
  });
}

async function resolve(lookup: HostLookup, hostname: string): Promise<readonly string[]> {
  try {
    const addresses = await lookup(hostname);
    if (addresses.length > 0) return addresses;
  } catch (error) {
    throw new PictorError({
      kind: 'network',
      submitOutcome: 'not_created',
      message: `Image download failed: cannot resolve ${hostname}${typeof (error as { code?: unknown })?.code === 'string' ? ` (${(error as { code: string }).code})` : ''}`,
      cause: error,
    });
  }
  throw new PictorError({ kind: 'network', message: `Image download failed: ${hostname} resolves to no address` });
}
