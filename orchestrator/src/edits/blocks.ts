// Change blocks: the stretch of original lines a placed hunk replaces and the lines it puts
// there. Blocks of different hunks must not touch the same lines; the file is then rebuilt
// around the blocks, and untouched lines keep their own bytes.
import { reject, type Rejection } from "./contract.ts";
import type { LexHunk } from "./lex.ts";
import { joinFile, type Line, type SplitFile } from "./text.ts";

interface Block {
  hunk: number;
  /** Replaced range of original lines [start, end). start === end: pure insertion. */
  start: number;
  end: number;
  added: string[];
}

/** The change blocks of hunk `k` placed at line `at`: one per run of removed and added lines. */
export function hunkBlocks(h: LexHunk, k: number, at: number): Block[] {
  const blocks: Block[] = [];
  let cursor = at;
  let block: Block | null = null;
  const flush = () => {
    if (block && (block.end > block.start || block.added.length > 0)) blocks.push(block);
    block = null;
  };
  for (const line of h.lines) {
    if (line.op === " ") {
      flush();
      cursor++;
    } else if (line.op === "-") {
      block ??= { hunk: k, start: cursor, end: cursor, added: [] };
      cursor++;
      block.end = cursor;
    } else {
      block ??= { hunk: k, start: cursor, end: cursor, added: [] };
      block.added.push(line.text);
    }
  }
  flush();
  return blocks;
}

export function sortBlocks(blocks: readonly Block[]): Block[] {
  return [...blocks].sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Two hunks that change the same line (blocks sorted by position). */
export function overlapRefusal(path: string, sorted: readonly Block[]): Rejection | null {
  for (let i = 1; i < sorted.length; i++) {
    const p = sorted[i - 1]!;
    const b = sorted[i]!;
    const overlap = b.start < p.end || (b.start === p.start && p.hunk !== b.hunk);
    if (overlap && p.hunk !== b.hunk) {
      return reject(
        "hunk_ambiguous",
        `${path}: hunks ${p.hunk + 1} and ${b.hunk + 1} both change line ${b.start + 1}. Merge them into one hunk, or send each change once.`,
      );
    }
  }
  return null;
}

/** The file with each block's lines in place of the lines it replaces (blocks sorted by position). */
export function spliceBlocks(file: SplitFile, sorted: readonly Block[], finalNewline: boolean): string {
  const out: Line[] = [];
  let i = 0;
  for (const b of sorted) {
    for (; i < b.start; i++) out.push(file.lines[i]!);
    for (const text of b.added) out.push({ text, eol: file.eol });
    i = b.end;
  }
  for (; i < file.lines.length; i++) out.push(file.lines[i]!);
  return joinFile(out, file.eol, finalNewline);
}
