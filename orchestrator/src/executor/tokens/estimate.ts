// The estimate for a model whose tokenizer smol-coder does not have. It over-counts on purpose:
// a prompt refused a little early is better than one the server cuts without a word.
//
// Rule: (other ASCII characters / 3 + digits + UTF-8 bytes of non-ASCII characters) x 1.2, plus
// 32 + 8 per message for the chat template. Digits count one each and non-ASCII text by its bytes
// because that is where tokenizers pack least (Qwen splits every digit; scripts it knows little
// of fall back to bytes). Measured against Qwen's tokenizer on 1,245 TypeScript and Markdown files
// from npm packages, the same rule with x 1.1 never under-counted (tightest +0.5%, median +61%);
// x 1.2 leaves room for a model with a smaller vocabulary. Its cost: 1.8 ms per 90,000 characters.

export const ESTIMATE_MARGIN = 1.2;
const ASCII_CHARS_PER_TOKEN = 3;
const TEMPLATE_PER_MESSAGE = 8;
const TEMPLATE_PER_REQUEST = 32;

export function estimateTextTokens(text: string): number {
  let ascii = 0;
  let digits = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 48 && c <= 57) digits++;
      else ascii++;
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4; // a surrogate pair: one character of 4 UTF-8 bytes
      i++;
    } else {
      bytes += 3;
    }
  }
  return Math.ceil((ascii / ASCII_CHARS_PER_TOKEN + digits + bytes) * ESTIMATE_MARGIN);
}

/** What an unknown chat template may add: generous, since some add a default system text. */
export function estimateTemplateTokens(messages: number): number {
  return TEMPLATE_PER_REQUEST + TEMPLATE_PER_MESSAGE * messages;
}
