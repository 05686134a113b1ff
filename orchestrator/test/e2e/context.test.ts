// End to end: what the model is shown of the workspace, read from the prompt the scripted server
// received from the real CLI, on a real Vite react-ts workspace (React 19 installed, its own
// tsconfig) with real tsc, ESLint and vite build judging the edit; and the same prompt in the
// run log at debug level.
import { expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runCli } from "../../testing/cli.ts";
import { parseJsonLines } from "../../testing/logs.ts";
import { reply, startModelServer } from "../../testing/model-server.ts";
import { diffReply, unifiedDiff } from "../../testing/replies.ts";
import { createWorkspace } from "../../testing/workspace.ts";

const CARD = "src/components/UserCard.tsx";
const APP = "src/App.tsx";
const TYPES_TS = "export interface User {\n  id: number\n  displayName: string\n  email: string\n}\n";
const CARD_TSX = "import type { User } from '../types.ts'\n\nexport default function UserCard({ user }: { user: User }) {\n  return <h3>{user.displayName}</h3>\n}\n";
const CARD_AFTER = CARD_TSX.replace("  return <h3>{user.displayName}</h3>\n", "  return (\n    <div>\n      <h3>{user.displayName}</h3>\n      <p>{user.email}</p>\n    </div>\n  )\n");

test("the first prompt shows the imported interface's fields, the read-only file in full, React 19 and verbatimModuleSyntax; an edit to the read-only file is refused and the owned edit lands", async () => {
  await using server = await startModelServer();
  await using ws = await createWorkspace({ template: "react-ts", files: { "src/types.ts": TYPES_TS, [CARD]: CARD_TSX } });
  const logDir = await mkdtemp(path.join(os.tmpdir(), "smol-context-logs-"));
  try {
    const app = (await ws.read(APP))!;
    const touchesApp = unifiedDiff(APP, app, app.replace("export default App\n", "export default App\nexport { UserCard } from './components/UserCard.tsx'\n"));
    server.enqueue("fast-coder", reply.text(diffReply(touchesApp, unifiedDiff(CARD, CARD_TSX, CARD_AFTER))), reply.text(diffReply(unifiedDiff(CARD, CARD_TSX, CARD_AFTER))));
    const task = { description: "UserCard: show the user's email under the name", filesOwned: [CARD], filesRead: [APP] };

    const r = await runCli({ args: ["--workspace", ws.dir], stdin: JSON.stringify(task), env: { LITELLM_URL: server.url, SMOL_LOG_DIR: logDir } });

    expect(r.exitCode).toBe(0);
    const prompt = server.requests[0]!.messages.at(-1)!.content;
    expect(prompt).toContain(`### src/types.ts\n${CARD} imports '../types.ts'\n\`\`\`ts\n${TYPES_TS}\`\`\``);
    expect(prompt).toContain(`### ${APP} (read-only, 16 lines)\n\`\`\`tsx\n${app}\`\`\``);
    expect(prompt).toContain("- React 19 (19.3.1 installed)");
    expect(prompt).toContain("- tsconfig.json: verbatimModuleSyntax: ");

    expect(r.events.find((e) => e.event === "patch_rejected")).toMatchObject({ reason: "read_only", attempt: 1 });
    expect(r.events.find((e) => e.event === "task_complete")).toMatchObject({ totalAttempts: 2, files: [CARD] });
    expect(await ws.read(CARD)).toBe(CARD_AFTER);
    expect(await ws.read(APP)).toBe(app);
    const start = r.events.find((e) => e.event === "model_call_start") as { tokensByPart: Record<string, number> };
    expect(Object.keys(start.tokensByPart).sort()).toEqual(["facts", "feedback", "imports", "owned", "readOnly"]);

    // The whole prompt is in the run log at debug level, not on stdout at the default level.
    expect(r.events.some((e) => e.event === "model_prompt")).toBe(false);
    const [day] = await readdir(logDir);
    const [file] = await readdir(path.join(logDir, day!));
    const logged = parseJsonLines(await readFile(path.join(logDir, day!, file!), "utf8")).filter((e) => e.event === "model_prompt");
    expect(logged.map((e) => e.level)).toEqual([20, 20]);
    expect((logged[0]!.messages as Array<{ content: string }>).at(-1)!.content).toBe(prompt);
  } finally {
    await rm(logDir, { recursive: true, force: true });
  }
}, 120_000);
