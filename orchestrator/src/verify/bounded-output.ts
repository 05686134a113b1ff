// A check's combined output, kept to a bounded head and tail: a check that prints megabytes can
// neither stall on a full pipe (we always read) nor fill our memory (we keep 2 x `keep` bytes).

/** Keeps the first and last `keep` bytes of a stream: errors come first, summaries last. */
export class BoundedOutput {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  dropped = 0;

  constructor(private readonly keep: number) {}

  push(chunk: Buffer): void {
    if (this.headBytes < this.keep) {
      const take = chunk.subarray(0, this.keep - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= this.keep) {
      const first = this.tail.shift()!;
      this.tailBytes -= first.length;
      this.dropped += first.length;
    }
  }

  text(): string {
    const head = Buffer.concat(this.head).toString("utf8");
    let tail = Buffer.concat(this.tail);
    if (this.tailBytes > this.keep) {
      this.dropped += tail.length - this.keep;
      tail = tail.subarray(tail.length - this.keep);
      this.tail = [tail];
      this.tailBytes = tail.length;
    }
    const marker = this.dropped > 0 ? `\n[... ${this.dropped} bytes of output omitted ...]\n` : "";
    return head + marker + tail.toString("utf8");
  }
}
