// Reading a child's stdout of JSON lines (smol-coder's events, the swarm waiter's reports) as
// it arrives, so a bench can act on an event before the child exits.
import { parseJsonLines } from "../../orchestrator/testing/logs.ts";

/** Calls onEvent for each JSON line of the stream, as it arrives; resolves with all the text at the end. */
export async function readJsonLines(stream: ReadableStream<Uint8Array>, onEvent: (e: Record<string, unknown>) => void): Promise<string> {
  const decoder = new TextDecoder();
  let all = "";
  let pending = "";
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    all += text;
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const e of parseJsonLines(lines.join("\n"))) onEvent(e);
  }
  for (const e of parseJsonLines(pending)) onEvent(e);
  return all;
}
