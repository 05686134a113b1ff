// What the stand-in does for one /api/chat request: the text it generates and how, or the fault
// it shows instead. Build one with `ollamaReply.*`; the result is plain data.

export type ChatFault =
  /** Generates normally. */
  | { kind: "none" }
  /** 404 {"error":"model 'X' not found"}, as for a model that was never pulled. */
  | { kind: "not_found" }
  /** An error status before any token, e.g. 500 when the runner cannot start. */
  | { kind: "error"; status: number; message: string }
  /** Sends this many chunks, then the connection ends without the final chunk (a crashed runner). */
  | { kind: "break"; afterChunks: number }
  /** Sends this many chunks, then an in-band {"error":"..."} line: Ollama's way once the 200 is out. */
  | { kind: "error_line"; afterChunks: number; message: string }
  /** Never answers, until the client gives up. */
  | { kind: "hang" };

export interface ChatScript {
  content: string;
  /** Characters per streamed chunk: Ollama sends one token per chunk. */
  chunkChars: number;
  /** prompt_eval_count; by default about one token per 4 characters of the messages. */
  promptEvalCount?: number;
  /** eval_count; by default the number of chunks. */
  evalCount?: number;
  doneReason: "stop" | "length";
  /** Milliseconds before the headers and the first token (Ollama writes both at once). */
  firstTokenMs: number;
  /** Holds the headers and first token until this settles. */
  gate?: Promise<unknown>;
  /** Milliseconds between chunks. */
  chunkDelayMs: number;
  fault: ChatFault;
}

export class ChatScriptBuilder {
  constructor(private readonly script: ChatScript) {}

  private with(change: Partial<ChatScript>): ChatScriptBuilder {
    return new ChatScriptBuilder({ ...this.script, ...change });
  }

  /** The prompt_eval_count and eval_count the final chunk reports. */
  counts(promptEval: number, evalCount: number): ChatScriptBuilder {
    return this.with({ promptEvalCount: promptEval, evalCount });
  }
  /** done_reason "length": generation stopped at num_predict. */
  length(): ChatScriptBuilder {
    return this.with({ doneReason: "length" });
  }
  firstTokenAfter(ms: number): ChatScriptBuilder {
    return this.with({ firstTokenMs: ms });
  }
  waitFor(gate: Promise<unknown>): ChatScriptBuilder {
    return this.with({ gate });
  }
  chunkDelay(ms: number): ChatScriptBuilder {
    return this.with({ chunkDelayMs: ms });
  }
  chunkChars(chars: number): ChatScriptBuilder {
    return this.with({ chunkChars: Math.max(1, Math.floor(chars)) });
  }
  breakAfter(chunks: number): ChatScriptBuilder {
    return this.with({ fault: { kind: "break", afterChunks: chunks } });
  }
  errorLineAfter(chunks: number, message = "an error was encountered while running the model: unexpected EOF"): ChatScriptBuilder {
    return this.with({ fault: { kind: "error_line", afterChunks: chunks, message } });
  }
  build(): ChatScript {
    return { ...this.script };
  }
}

function base(content: string, fault: ChatFault): ChatScript {
  return { content, chunkChars: 4, doneReason: "stop", firstTokenMs: 0, chunkDelayMs: 0, fault };
}

export const ollamaReply = {
  text(content: string): ChatScriptBuilder {
    return new ChatScriptBuilder(base(content, { kind: "none" }));
  },
  notFound(): ChatScriptBuilder {
    return new ChatScriptBuilder(base("", { kind: "not_found" }));
  },
  /** Ollama's answer when the runner dies before the first token. */
  runnerCrashed(message = "llama runner process has terminated: exit status 2"): ChatScriptBuilder {
    return new ChatScriptBuilder(base("", { kind: "error", status: 500, message }));
  },
  hang(): ChatScriptBuilder {
    return new ChatScriptBuilder(base("", { kind: "hang" }));
  },
};

export type ChatScriptLike = ChatScript | ChatScriptBuilder;

export function toScript(s: ChatScriptLike): ChatScript {
  return s instanceof ChatScriptBuilder ? s.build() : s;
}
