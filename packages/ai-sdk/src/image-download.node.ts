/**
 * Node's image download for the AI SDK model (picked by the `node` condition of the package's
 * `#image-download` import): core's downloadPinned, the same as saveImage's. Every address the host
 * name resolves to is checked and the connection goes only to those addresses, so a DNS answer that
 * changes between the check and the connection (rebinding to 169.254.169.254 or 127.0.0.1) is never
 * dialled; a caller who brings their own `fetch` keeps it unpinned.
 */
export { downloadPinned as downloadImage } from '@pictor/core/node';
