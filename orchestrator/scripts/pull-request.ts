// The Action's pull request text, from a run's result file:
//   bun scripts/pull-request.ts title RESULT_FILE   one line
//   bun scripts/pull-request.ts body RESULT_FILE    markdown: one row per task with its commit
//   bun scripts/pull-request.ts commits RESULT_FILE how many tasks have a commit (0: no pull request)
// action/run.sh calls it; the text is rendered by src/run/summary.ts, as the step summary is.
import { readResultFile } from "../src/run/results.ts";
import { pullRequestTitle, renderPullRequestBody } from "../src/run/summary.ts";

if (import.meta.main) {
  const [what, file] = Bun.argv.slice(2);
  if (!file || !["title", "body", "commits"].includes(what ?? "")) {
    process.stderr.write("usage: bun scripts/pull-request.ts title|body|commits RESULT_FILE\n");
    process.exit(2);
  }
  const result = await readResultFile(file, "pull request").catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  });
  if (what === "title") process.stdout.write(`${pullRequestTitle(result)}\n`);
  else if (what === "body") process.stdout.write(renderPullRequestBody(result));
  else process.stdout.write(`${result.tasks.filter((t) => t.commit !== null).length}\n`);
}
