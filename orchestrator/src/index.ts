#!/usr/bin/env bun
// The smol-coder command. Everything it does starts in cli/main.ts; this file only hands it the
// process's arguments and environment and exits with the code it returns. No top-level await
// and no import.meta.main: the compiled binary is bytecode, which Bun builds only as CommonJS,
// where neither works (with import.meta.main the binary exited 0 without running). Nothing
// imports this file; tests and benches import cli/main.ts.
import { runMain } from "./cli/main.ts";

void runMain(Bun.argv.slice(2), process.env).then((code) => process.exit(code));
