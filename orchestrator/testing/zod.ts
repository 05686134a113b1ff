// zod for the benches: bench/ has no package.json or node_modules of its own, and a module here
// resolves "zod" from the orchestrator's dependencies, pinned by orchestrator/bun.lock.
export { z } from "zod";
