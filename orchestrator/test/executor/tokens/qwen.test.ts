// Qwen's tokenizer against numbers taken from Qwen's own stack: the data file's hash (the
// tokenizer.json Qwen publishes for Qwen2.5-*-Instruct), token ids known from Hugging Face, and
// chat totals from Python transformers' apply_chat_template on the same messages.
import { describe, expect, test } from "bun:test";
import { TEST_TOKENS } from "../../../testing/tokens.ts";
import { loadQwenTokenizer, qwenTemplateTokens, qwenTokenizerFile, renderQwenChat } from "../../../src/executor/tokens/qwen.ts";

const QWEN25_TOKENIZER_SHA256 = "c0382117ea329cdf097041132f6d735924b697924d6f6fc3945713e96ce87539";

test("the data file is Qwen2.5's own tokenizer.json, byte for byte", async () => {
  const bytes = await Bun.file(qwenTokenizerFile()).arrayBuffer();
  expect(bytes.byteLength).toBe(7_031_645);
  expect(new Bun.CryptoHasher("sha256").update(bytes).digest("hex")).toBe(QWEN25_TOKENIZER_SHA256);
});

describe("counting", async () => {
  const count = await loadQwenTokenizer();
  const counter = await TEST_TOKENS.load("qwen2.5");

  test("texts count as Hugging Face's tokenizer splits them", () => {
    expect(count("Hello, world!")).toBe(4); // [9707, 11, 1879, 0]
    expect(count("Hello, my dog is cute")).toBe(6);
    expect(count("")).toBe(0);
    // Every digit is a token of its own; a special token's text is one token, as the server counts it.
    expect(count("1234567890")).toBe(10);
    expect(count("<|im_end|>")).toBe(1);
  });

  test("a chat counts as transformers' apply_chat_template renders it: 5 tokens a message, 3 for the reply", () => {
    const system = { role: "system" as const, content: "You are smol-coder. Edit the file as asked." };
    const user = { role: "user" as const, content: "Rename the function foo to bar in src/a.ts." };
    expect(renderQwenChat([system, user])).toBe(
      "<|im_start|>system\nYou are smol-coder. Edit the file as asked.<|im_end|>\n<|im_start|>user\nRename the function foo to bar in src/a.ts.<|im_end|>\n<|im_start|>assistant\n",
    );
    expect(counter.chat([system, user])).toBe(37);
    expect(counter.text(system.content) + counter.text(user.content) + qwenTemplateTokens(2)).toBe(37);
    expect(counter.chat([system, { role: "user", content: "" }])).toBe(26);
  });
});
