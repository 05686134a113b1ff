// jsdiff for the benches: bench/ has no package.json or node_modules of its own, and a module
// here resolves "diff" from the orchestrator's dependencies, pinned by orchestrator/bun.lock.
export { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";
