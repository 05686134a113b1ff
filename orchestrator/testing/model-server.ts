// The scripted OpenAI-compatible server (testing/model-server/): replies, the server itself, and
// the real proxy's recorded answers it replays. Tests import it from here.
export { reply, type Reply, type ReplyBuilder, type ReplyKind } from "./model-server/reply.ts";
export { startModelServer, type ModelServer, type ModelServerOptions, type RecordedRequest } from "./model-server/server.ts";
