// A tiny TCP pass-through (Bun.listen) in front of the model server's Bun.serve backend. It exists
// only so that `reply.drop()` can really destroy the client's socket without sending a response,
// which Bun.serve cannot do by itself. Everything HTTP happens in Bun.serve.
import type { Socket, TCPSocketListener } from "bun";

/** One client connection of the pass-through and its backend connection. */
type Pipe = {
  client: Socket<Pipe>;
  upstream?: Socket<Pipe>;
  key?: number;
  toClient: Uint8Array[];
  toUpstream: Uint8Array[];
  closed: boolean;
  endClientWhenFlushed: boolean;
};

export interface PassThrough {
  port: number;
  /** Destroys the client connection whose backend socket has this local port (what Bun.serve sees as the remote port). */
  drop(upstreamPort: number | undefined): void;
  stop(): void;
}

/** Write with backpressure: bytes the socket did not take wait in `queue` for drain(). */
function send(sock: Socket<Pipe>, queue: Uint8Array[], chunk: Uint8Array): void {
  if (queue.length > 0) {
    queue.push(chunk.slice());
    return;
  }
  const n = sock.write(chunk);
  if (n < chunk.byteLength) queue.push(chunk.slice(Math.max(0, n)));
}

function flush(sock: Socket<Pipe>, queue: Uint8Array[]): void {
  while (queue.length > 0) {
    const head = queue[0]!;
    const n = sock.write(head);
    if (n < head.byteLength) {
      queue[0] = head.slice(Math.max(0, n));
      return;
    }
    queue.shift();
  }
}

export function startPassThrough(port: number, backendPort: number): PassThrough {
  // key: local port of the pass-through's upstream socket == remote port Bun.serve sees.
  const pairs = new Map<number, Pipe>();
  const pipes = new Set<Pipe>();

  function closePipe(pipe: Pipe, abrupt: boolean): void {
    if (pipe.closed) return;
    pipe.closed = true;
    pipes.delete(pipe);
    if (pipe.key !== undefined) pairs.delete(pipe.key);
    if (abrupt) {
      pipe.client.terminate();
      pipe.upstream?.terminate();
    } else {
      pipe.client.end();
      pipe.upstream?.end();
    }
  }

  function connectUpstream(pipe: Pipe): void {
    Bun.connect<Pipe>({
      hostname: "127.0.0.1",
      port: backendPort,
      data: pipe,
      socket: {
        open(up) {
          if (pipe.closed) {
            up.terminate();
            return;
          }
          pipe.upstream = up;
          pipe.key = up.localPort;
          pairs.set(up.localPort, pipe);
          flush(up, pipe.toUpstream);
        },
        data(_up, chunk) {
          if (!pipe.closed) send(pipe.client, pipe.toClient, chunk);
        },
        drain(up) {
          flush(up, pipe.toUpstream);
        },
        close() {
          // Backend finished (or was stopped): pass the close on once pending bytes are out.
          if (pipe.toClient.length === 0) closePipe(pipe, false);
          else pipe.endClientWhenFlushed = true;
        },
        error() {
          closePipe(pipe, true);
        },
        connectError() {
          closePipe(pipe, true);
        },
      },
    }).catch(() => closePipe(pipe, true));
  }

  const listener: TCPSocketListener<Pipe> = Bun.listen<Pipe>({
    hostname: "127.0.0.1",
    port,
    socket: {
      open(client) {
        const pipe: Pipe = { client, toClient: [], toUpstream: [], closed: false, endClientWhenFlushed: false };
        client.data = pipe;
        pipes.add(pipe);
        connectUpstream(pipe);
      },
      data(client, chunk) {
        const pipe = client.data;
        if (pipe.closed) return;
        if (pipe.upstream) send(pipe.upstream, pipe.toUpstream, chunk);
        else pipe.toUpstream.push(chunk.slice());
      },
      drain(client) {
        const pipe = client.data;
        flush(client, pipe.toClient);
        if (pipe.endClientWhenFlushed && pipe.toClient.length === 0) closePipe(pipe, false);
      },
      close(client) {
        closePipe(client.data, true);
      },
      error(client) {
        closePipe(client.data, true);
      },
    },
  });

  return {
    port: listener.port,
    drop(upstreamPort) {
      const pipe = upstreamPort === undefined ? undefined : pairs.get(upstreamPort);
      if (pipe) closePipe(pipe, true);
    },
    stop() {
      for (const pipe of [...pipes]) closePipe(pipe, true);
      listener.stop(true);
    },
  };
}
