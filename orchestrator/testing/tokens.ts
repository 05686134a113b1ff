// One TokenCounters for a whole test process, as the CLI has one per process: Qwen's tokenizer
// (about 0.3 CPU-s and 60 MB of heap) is loaded once however many test files count with it.
import { createTokenCounters } from "../src/executor/tokens/counter.ts";

export const TEST_TOKENS = createTokenCounters();
