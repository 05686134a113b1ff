// What a task is doing right now, for the status line a person watches. The loop reports each
// change here; the model call and the baseline checks can run at the same time, so the phase
// shown is the model side's, marked while the baseline is still running.
import type { Tier } from "../core/types.ts";

export type Phase =
  /** Another task holds the workspace (it is verifying) or some of this task's files. */
  | "waiting"
  /** The checks run on the untouched workspace, before any edit is judged. */
  | "baseline"
  /** In line for one of the tier's slots (or held while another tier's model is busy). */
  | "queued"
  | "calling"
  | "verifying"
  | "done";

export interface PhaseInfo {
  phase: Phase;
  tier: Tier;
  attempt: number;
  /** The baseline checks are still running alongside. */
  baseline?: boolean;
}

export type OnPhase = (info: PhaseInfo) => void;

export class PhaseReporter {
  private current: Omit<PhaseInfo, "baseline"> | null = null;
  private baselineRunning = false;

  constructor(private readonly on: OnPhase | undefined) {}

  set(phase: Phase, tier: Tier, attempt: number): void {
    this.current = { phase, tier, attempt };
    this.send();
  }

  /** The baseline started (tier: the task's first) or ended. */
  baseline(running: boolean, tier: Tier): void {
    this.baselineRunning = running;
    if (!this.current && running) this.current = { phase: "baseline", tier, attempt: 0 };
    this.send();
  }

  private send(): void {
    if (!this.on || !this.current) return;
    const side = this.baselineRunning && this.current.phase !== "baseline" && this.current.phase !== "done";
    this.on(side ? { ...this.current, baseline: true } : this.current);
  }
}
