// Model replies the way a small model writes them: prose, then a fenced unified diff.
import { createTwoFilesPatch } from "diff";

/** A unified diff from `before` to `after` for one file, a/ b/ prefixed, /dev/null for new files. */
export function unifiedDiff(file: string, before: string | null, after: string | null): string {
  const patch = createTwoFilesPatch(
    before === null ? "/dev/null" : `a/${file}`,
    after === null ? "/dev/null" : `b/${file}`,
    before ?? "",
    after ?? "",
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop jsdiff's "Index:" / "====" preamble: models write plain ---/+++ headers.
  return patch.slice(patch.indexOf("--- "));
}

export function diffReply(...diffs: string[]): string {
  return `Here is the change.\n\n\`\`\`diff\n${diffs.join("")}\`\`\`\n\nThis keeps the rest of the file as it is.`;
}

/** The events of a task that lands on its first attempt, in order, as the seed's Card walkthrough
 *  lists them (tier_selected and verification_baseline are left out: where they fall varies). */
export const FIRST_TRY_TASK_EVENTS = [
  "task_created",
  "model_call_start",
  "model_call_complete",
  "patch_applied",
  "verification_start",
  "verification_pass",
  "task_complete",
] as const;

/** The same, as a CLI run prints them: between the start-up line and the run's summary. */
export const FIRST_TRY_RUN_EVENTS = ["orchestrator_startup", ...FIRST_TRY_TASK_EVENTS, "run_summary"];

/** A card component written the way the walkthrough asks for it: title, optional text and action. */
export const CARD_TSX = `type CardProps = {
  title: string
  description?: string
  onAction?: () => void
}

export default function Card({ title, description, onAction }: CardProps) {
  return (
    <section className="rounded-xl bg-white p-5 shadow">
      <h2 className="text-base font-bold">{title}</h2>
      {description ? <p className="mt-1 text-slate-600">{description}</p> : null}
      {onAction ? (
        <button type="button" className="mt-3 rounded bg-sky-600 px-3 py-1 text-white" onClick={onAction}>
          Learn More
        </button>
      ) : null}
    </section>
  )
}
`;

/** The same card with two type errors, like the seed's escalation example. */
export const CARD_WITH_TYPE_ERRORS = CARD_TSX.replace(
  "export default function Card({ title, description, onAction }: CardProps) {\n",
  "export default function Card({ title, description, onAction }: CardProps) {\n  const width: number = 'wide'\n  const height: number = 'tall'\n  console.log(width, height)\n",
);
