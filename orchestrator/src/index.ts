#!/usr/bin/env bun
// The smol-coder command. Everything it does starts in cli/main.ts; this file only hands it the
// process's arguments and environment and exits with the code it returns.
import { runMain } from "./cli/main.ts";

if (import.meta.main) process.exit(await runMain(Bun.argv.slice(2), process.env));
