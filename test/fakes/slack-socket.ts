import { pollFor } from "./poll.ts";
import { WebSocketServer, type WebSocket } from "ws";
import type { AddressInfo } from "node:net";

/**
 * Slack's Socket Mode end on loopback: says hello, sends envelopes, collects the acks.
 * @link https://docs.slack.dev/apis/events-api/using-socket-mode
 */
export class FakeSlackSocket {
  readonly acks: Record<string, unknown>[] = [];
  #server?: WebSocketServer;
  #client?: WebSocket;
  #connected?: () => void;
  readonly connected = new Promise<void>((resolve) => (this.#connected = resolve));

  get url(): string {
    return `ws://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/link`;
  }

  async start(): Promise<void> {
    this.#server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => this.#server!.once("listening", () => resolve()));
    this.#server.on("connection", (socket) => {
      this.#client = socket;
      socket.on("message", (data) => this.acks.push(JSON.parse(String(data)) as Record<string, unknown>));
      socket.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake" }, connection_info: { app_id: "A1" } }));
      this.#connected?.();
    });
  }

  send(envelope: { envelope_id: string; type: string; payload: unknown; accepts_response_payload?: boolean; retry_attempt?: number }): void {
    this.#client!.send(JSON.stringify(envelope));
  }

  ackOf(envelopeId: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
    return pollFor(() => this.acks.find((a) => a.envelope_id === envelopeId), () => `no ack for ${envelopeId}`, timeoutMs);
  }


  async stop(): Promise<void> {
    for (const client of this.#server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
