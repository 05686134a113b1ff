// Edits are planned on text, but a file is bytes. Decoding a file that is not valid UTF-8 (a
// Latin-1 comment, a stray byte) turns those bytes into U+FFFD, and writing the edit's text
// back would keep the U+FFFD. So the text of an edit is mapped back onto the original bytes:
// every line the edit left as it was is written with its original bytes, and only the lines
// the edit wrote are encoded as UTF-8.
import { diffArrays } from "diff";

/** The file's text as the prompt shows it and the edit is planned on. */
export function decodeText(bytes: Buffer): string {
  return bytes.toString("utf8");
}

const BOM = "\uFEFF";
const BOM_BYTES = Buffer.from([0xef, 0xbb, 0xbf]);

/** The bytes to write for `text`, the new content of a file whose bytes were `original` (null: a new file). */
export function encodeEdit(original: Buffer | null, edited: string): Buffer {
  // A byte-order mark is invisible in the prompt, so a model that rewrites the first line (or
  // the whole file) drops it without meaning to: the file keeps the one it had.
  const text = original?.subarray(0, 3).equals(BOM_BYTES) && !edited.startsWith(BOM) ? BOM + edited : edited;
  const encoded = Buffer.from(text, "utf8");
  // A file that was valid UTF-8 comes back from its text unchanged: nothing to map.
  if (original === null || Buffer.from(decodeText(original), "utf8").equals(original)) return encoded;
  const oldBytes = splitLines(original);
  const oldText = oldBytes.map(decodeText);
  const newText = splitText(text);
  const out: Buffer[] = [];
  let oldIndex = 0;
  for (const part of diffArrays(oldText, newText)) {
    const n = part.count ?? part.value.length;
    if (part.added) out.push(Buffer.from(part.value.join(""), "utf8"));
    else if (!part.removed) out.push(...oldBytes.slice(oldIndex, oldIndex + n));
    if (!part.added) oldIndex += n;
  }
  return Buffer.concat(out);
}

/** Lines with their "\n" (the last may have none). "\n" is never part of a multi-byte sequence, so lines decode alone as they do together. */
function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.subarray(start, nl + 1));
    start = nl + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

function splitText(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
