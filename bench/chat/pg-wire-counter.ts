import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP relay between carebot and PostgreSQL on 127.0.0.1 that counts what the
 * server sends: every simple Query ('Q', BEGIN and COMMIT included) and every Sync
 * ('S', which closes one extended-protocol query: Parse/Bind/Execute) is one round
 * trip. It reads the frontend's messages only to count them and forwards every byte
 * as it came. Used in the quiet statement-count phase only, never under load: the
 * relay runs on the bench's event loop.
 * @link https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
export class PgWireCounter {
  roundTrips = 0;
  /** performance.now() of the last counted message. */
  lastAt = 0;
  #server?: Server;
  #sockets = new Set<Socket>();

  /** onStatement, when given, is told the text of each Query and Parse message (to see what a request sends). */
  constructor(
    private readonly upstream: { host: string; port: number },
    private readonly onStatement?: (sql: string) => void,
  ) {}

  async start(): Promise<number> {
    this.#server = createServer((client) => {
      const server = connect(this.upstream.port, this.upstream.host);
      this.#sockets.add(client).add(server);
      const drop = () => {
        client.destroy();
        server.destroy();
        this.#sockets.delete(client);
        this.#sockets.delete(server);
      };
      client.on("error", drop).on("close", drop);
      server.on("error", drop).on("close", drop);
      server.pipe(client);
      let pending: Buffer = Buffer.alloc(0);
      let started = false; // until the StartupMessage, messages carry no type byte
      client.on("data", (chunk: Buffer) => {
        server.write(chunk);
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        for (;;) {
          if (!started) {
            if (pending.length < 8) break;
            const length = pending.readInt32BE(0);
            if (pending.length < length) break;
            const code = pending.readInt32BE(4);
            // SSLRequest / GSSENCRequest come before the real StartupMessage.
            if (code !== 80877103 && code !== 80877104) started = true;
            pending = pending.subarray(length);
            continue;
          }
          if (pending.length < 5) break;
          const length = pending.readInt32BE(1);
          if (pending.length < 1 + length) break;
          const type = String.fromCharCode(pending[0]!);
          if (type === "Q" || type === "S") {
            this.roundTrips += 1;
            this.lastAt = performance.now();
          }
          if (this.onStatement && (type === "Q" || type === "P")) {
            // Q: the query text; P: the statement name, then the query text (both NUL-terminated).
            const body = pending.subarray(5, 1 + length);
            const start = type === "Q" ? 0 : body.indexOf(0) + 1;
            this.onStatement(body.subarray(start, body.indexOf(0, start)).toString("utf8"));
          }
          pending = pending.subarray(1 + length);
        }
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    return typeof address === "object" && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
