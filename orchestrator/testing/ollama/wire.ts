// A minimal HTTP/1.1 server over Bun.listen, for the Ollama stand-in. Bun.serve cannot cut a
// connection in the middle of a chunked body (it always ends the body cleanly), nor hold the
// status line back until a handler decides, and those are exactly the faults the stand-in must
// show: Ollama writes its headers together with the first token, and a crashed Ollama leaves a
// stream without its last chunk. So the bytes are written here, the way Go's net/http writes them.
import type { Socket, TCPSocketListener } from "bun";

export interface WireRequest {
  method: string;
  /** Path with its query, as sent. */
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

export interface WireResponse {
  /** Sends the status line and headers: with `length`, a Content-Length body; without, chunked. */
  head(status: number, headers: Record<string, string>, length?: number): void;
  /** One piece of the body (a chunk, when chunked). */
  write(text: string): void;
  /** Ends the body (the terminating chunk, when chunked). */
  end(): void;
  /** Closes the connection where the response stands, as a server that crashed does. */
  cut(): void;
  /** Resolves once every byte written so far is handed to the kernel (or the client is gone). */
  flushed(): Promise<void>;
  /** Aborted when the client goes away before the response ended. */
  readonly signal: AbortSignal;
}

export type WireHandler = (req: WireRequest, res: WireResponse) => void | Promise<void>;

export interface WireServer {
  port: number;
  /** Closes the listener and every open connection: the server is down. */
  stop(): void;
}

interface Connection {
  buffer: Buffer;
  /** Bytes the socket did not take yet, in order. */
  pending: Buffer[];
  busy: boolean;
  closed: boolean;
  /** cut() was called: nothing more is written, the pending bytes go out, then a FIN. */
  ending: boolean;
  onDrain: Array<() => void>;
  gone: AbortController;
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function serveWire(port: number, handler: WireHandler): WireServer {
  const sockets = new Set<Socket<Connection>>();
  const listener: TCPSocketListener<Connection> = Bun.listen<Connection>({
    hostname: "127.0.0.1",
    port,
    socket: {
      open(socket) {
        socket.data = { buffer: Buffer.alloc(0), pending: [], busy: false, closed: false, ending: false, onDrain: [], gone: new AbortController() };
        sockets.add(socket);
      },
      data(socket, chunk) {
        socket.data.buffer = Buffer.concat([socket.data.buffer, chunk]);
        void serveNext(socket, handler);
      },
      drain(socket) {
        flush(socket);
      },
      close(socket) {
        markClosed(socket);
        sockets.delete(socket);
      },
      error(socket) {
        markClosed(socket);
        sockets.delete(socket);
      },
    },
  });
  return {
    port: listener.port,
    stop() {
      listener.stop(true);
      for (const socket of sockets) {
        markClosed(socket);
        socket.terminate();
      }
      sockets.clear();
    },
  };
}

function markClosed(socket: Socket<Connection>): void {
  const c = socket.data;
  if (c.closed) return;
  c.closed = true;
  c.gone.abort();
  for (const resolve of c.onDrain.splice(0)) resolve();
}

/** Serves the requests waiting in the buffer, one at a time (HTTP/1.1 keep-alive, no pipelining in parallel). */
async function serveNext(socket: Socket<Connection>, handler: WireHandler): Promise<void> {
  const c = socket.data;
  while (!c.busy && !c.closed && !c.ending) {
    const parsed = takeRequest(c);
    if (parsed === "incomplete") return;
    if (parsed === "bad") {
      send(socket, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request");
      socket.end();
      return;
    }
    c.busy = true;
    const done = Promise.withResolvers<void>();
    const res = createResponse(socket, parsed.method === "HEAD", done.resolve);
    try {
      await handler(parsed, res);
    } catch (err) {
      // A bug in the stand-in: the client sees a cut connection, the test output says why.
      console.error("ollama stand-in: handler failed:", err);
      res.cut();
    }
    await done.promise;
    c.busy = false;
    if (parsed.headers.connection?.toLowerCase() === "close") {
      socket.end();
      return;
    }
  }
}

/** The next complete request in the buffer, removed from it. */
function takeRequest(c: Connection): WireRequest | "incomplete" | "bad" {
  const headEnd = c.buffer.indexOf("\r\n\r\n");
  if (headEnd < 0) return c.buffer.length > 64 * 1024 ? "bad" : "incomplete";
  const [requestLine, ...lines] = c.buffer.subarray(0, headEnd).toString("latin1").split("\r\n");
  const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine ?? "");
  if (!match) return "bad";
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const start = headEnd + 4;
  const body = headers["transfer-encoding"]?.toLowerCase() === "chunked" ? readChunked(c.buffer, start) : readSized(c.buffer, start, headers);
  if (body === "incomplete" || body === "bad") return body;
  c.buffer = c.buffer.subarray(body.end);
  return { method: match[1]!, path: match[2]!, headers, body: body.text };
}

function readSized(buffer: Buffer, start: number, headers: Record<string, string>): { text: string; end: number } | "incomplete" | "bad" {
  const length = Number(headers["content-length"] ?? 0);
  if (!Number.isInteger(length) || length < 0) return "bad";
  if (buffer.length < start + length) return "incomplete";
  return { text: buffer.subarray(start, start + length).toString("utf8"), end: start + length };
}

function readChunked(buffer: Buffer, start: number): { text: string; end: number } | "incomplete" | "bad" {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf("\r\n", at);
    if (lineEnd < 0) return "incomplete";
    const size = Number.parseInt(buffer.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isInteger(size) || size < 0) return "bad";
    const dataStart = lineEnd + 2;
    if (buffer.length < dataStart + size + 2) return "incomplete";
    if (size === 0) return { text: Buffer.concat(parts).toString("utf8"), end: dataStart + 2 };
    parts.push(buffer.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

function createResponse(socket: Socket<Connection>, headOnly: boolean, finished: () => void): WireResponse {
  const c = socket.data;
  let chunked = false;
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    finished();
  };
  c.gone.signal.addEventListener("abort", finish, { once: true });
  return {
    signal: c.gone.signal,
    head(status, headers, length) {
      chunked = length === undefined;
      const lines = [`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Status"}`];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      lines.push(`Date: ${new Date().toUTCString()}`);
      lines.push(chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${length}`);
      send(socket, `${lines.join("\r\n")}\r\n\r\n`);
    },
    write(text) {
      if (headOnly || text === "") return;
      if (!chunked) return send(socket, text);
      const bytes = Buffer.from(text, "utf8");
      send(socket, Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]));
    },
    end() {
      if (chunked && !headOnly) send(socket, "0\r\n\r\n");
      finish();
    },
    cut() {
      // end() sends a FIN once the pending bytes are out: the client reads what was sent, then
      // sees the body stop short, as it does when an Ollama runner dies mid-reply.
      c.ending = true;
      void flushedOf(socket).then(() => socket.end());
      finish();
    },
    flushed: () => flushedOf(socket),
  };
}

function send(socket: Socket<Connection>, data: string | Buffer): void {
  const c = socket.data;
  if (c.closed || c.ending) return;
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  if (c.pending.length > 0) {
    c.pending.push(bytes);
    return;
  }
  const written = socket.write(bytes);
  if (written < bytes.length) c.pending.push(bytes.subarray(Math.max(0, written)));
}

function flush(socket: Socket<Connection>): void {
  const c = socket.data;
  while (c.pending.length > 0) {
    const head = c.pending[0]!;
    const written = socket.write(head);
    if (written < head.length) {
      c.pending[0] = head.subarray(Math.max(0, written));
      return;
    }
    c.pending.shift();
  }
  for (const resolve of c.onDrain.splice(0)) resolve();
}

function flushedOf(socket: Socket<Connection>): Promise<void> {
  const c = socket.data;
  if (c.pending.length === 0 || c.closed) return Promise.resolve();
  return new Promise((resolve) => c.onDrain.push(resolve));
}
