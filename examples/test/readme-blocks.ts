/**
 * Extracts the code blocks of the READMEs: every ```sh and ```ts fence, with the
 * README line it starts on, and whether a `<!-- not-run: reason -->` comment on
 * the lines just before it exempts it from being run (a block that cannot run
 * keyless and offline, e.g. `pnpm install`). A ```text block after
 * `<!-- output-of: command -->` is the exact output of that command.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface ReadmeBlock {
  /** README path relative to the repository root. */
  readonly file: string;
  /** 1-based line of the first code line (after the fence). */
  readonly line: number;
  readonly lang: 'sh' | 'ts' | 'text';
  readonly code: string;
  /** The reason given by a preceding not-run marker, if any. */
  readonly notRun: string | undefined;
  /** For a ts block that needs a service the test run has not (Redis): type-checked, not run. Its reason. */
  readonly typecheckOnly?: string | undefined;
  /** For a text block: the command whose exact output it shows, from an output-of marker. */
  readonly outputOf?: string | undefined;
}

const LANGS: Readonly<Record<string, ReadmeBlock['lang']>> = { sh: 'sh', bash: 'sh', shell: 'sh', ts: 'ts', typescript: 'ts', text: 'text' };
const NOT_RUN = /^<!--\s*not-run:\s*(.*?)\s*-->$/;
const OUTPUT_OF = /^<!--\s*output-of:\s*(.*?)\s*-->$/;
const TYPECHECK_ONLY = /^<!--\s*typecheck-only:\s*(.*?)\s*-->$/;

/** The repository's README.md and every package's README.md. */
export function readmeFiles(root: string): string[] {
  const packages = join(root, 'packages');
  const files = [join(root, 'README.md')];
  for (const name of readdirSync(packages).sort()) {
    const readme = join(packages, name, 'README.md');
    if (existsSync(readme)) files.push(readme);
  }
  return files;
}

export function extractBlocks(root: string, path: string): ReadmeBlock[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((text, j) => j > i && /^```\s*$/.test(text));
    if (end === -1) throw new Error(`${relative(root, path)}:${i + 1}: unclosed code fence`);
    const lang = LANGS[open[1]!.toLowerCase()];
    if (lang) {
      const marker = markerBefore(lines, i);
      const block = { file: relative(root, path), line: i + 2, lang, code: lines.slice(i + 1, end).join('\n'), notRun: NOT_RUN.exec(marker)?.[1] };
      const outputOf = OUTPUT_OF.exec(marker)?.[1];
      const typecheckOnly = lang === 'ts' ? TYPECHECK_ONLY.exec(marker)?.[1] : undefined;
      blocks.push(outputOf !== undefined ? { ...block, outputOf } : typecheckOnly !== undefined ? { ...block, typecheckOnly } : block);
    }
    i = end;
  }
  return blocks;
}

/** The nearest non-blank line above the fence (where a marker comment goes). */
function markerBefore(lines: readonly string[], fence: number): string {
  for (let j = fence - 1; j >= 0; j--) {
    const text = lines[j]!.trim();
    if (text !== '') return text;
  }
  return '';
}
