import { pollFor } from "./poll.ts";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for the Bot Connector service on loopback (each test activity's
 * serviceUrl points here): records sends, replies and updates, answers roster
 * lookups. botbuilder talks to it exactly as to Teams.
 * @link https://learn.microsoft.com/en-us/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference
 */
export interface ConnectorCall {
  kind: "send" | "reply" | "update" | "create" | "member";
  conversationId: string;
  activityId?: string;
  activity?: Record<string, unknown>;
  /** The tenant the request names (a new conversation's tenantId or channelData.tenant, an activity's conversation.tenantId). */
  tenantId?: string;
  /** The Authorization header the bot sent (with credentials, its Bot Framework token). */
  authorization?: string;
}

export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  /** Teams user id -> roster entry, for TeamsInfo.getMember. */
  readonly members = new Map<string, { email?: string; name?: string; aadObjectId?: string }>();
  /** While set, every request is refused with this status and nothing is recorded (an outage; 4xx so the SDK does not retry). */
  failWith: number | undefined;
  #server?: Server;
  #next = 1;

  get url(): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/`;
  }

  posts(conversationId?: string): ConnectorCall[] {
    return this.calls.filter((c) => (c.kind === "send" || c.kind === "reply") && (!conversationId || c.conversationId === conversationId));
  }

  waitFor(predicate: (c: ConnectorCall) => boolean, timeoutMs = 5000): Promise<ConnectorCall> {
    return pollFor(() => this.calls.find(predicate), () => `no connector call matched; calls: ${JSON.stringify(this.calls.map((c) => [c.kind, c.conversationId]))}`, timeoutMs);
  }


  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
        const parts = (req.url ?? "").split("?")[0]!.split("/").filter(Boolean).map(decodeURIComponent);
        const json = (status: number, value: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(value));
        };
        // v3/conversations[/{id}/activities[/{activityId}] | /{id}/members/{memberId}]
        const tenantId = tenantOf(body);
        const authorization = req.headers.authorization;
        if (this.failWith) return json(this.failWith, { error: { code: "ServiceUnavailable", message: "the connector is failing on purpose" } });
        if (parts[0] !== "v3" || parts[1] !== "conversations") return json(404, {});
        const conversationId = parts[2] ?? "";
        if (!conversationId && req.method === "POST") {
          // A new thread in a channel: Teams names it "<channel>;messageid=<its first activity>".
          const activityId = `act-${this.#next++}`;
          const channel = (body?.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
          const id = channel ? `${channel};messageid=${activityId}` : `conv-${this.#next++}`;
          this.calls.push({ kind: "create", conversationId: channel ?? id, activityId, activity: body?.activity as Record<string, unknown> | undefined, tenantId, authorization });
          return json(200, { id, activityId });
        }
        if (parts[3] === "members") {
          const member = this.members.get(parts[4] ?? "");
          this.calls.push({ kind: "member", conversationId, activityId: parts[4], authorization });
          if (!member) return json(404, { error: { code: "MemberNotFoundInConversation", message: "not found" } });
          return json(200, { id: parts[4], name: member.name ?? "User", email: member.email, userPrincipalName: member.email, aadObjectId: member.aadObjectId, tenantId: "tenant-1" });
        }
        if (parts[3] === "activities") {
          const activityId = parts[4];
          if (req.method === "PUT") {
            this.calls.push({ kind: "update", conversationId, activityId, activity: body, tenantId, authorization });
            return json(200, { id: activityId });
          }
          const id = `act-${this.#next++}`;
          this.calls.push({ kind: activityId ? "reply" : "send", conversationId, activityId: id, activity: body, tenantId, authorization });
          return json(200, { id });
        }
        return json(404, {});
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

function tenantOf(body: Record<string, unknown> | undefined): string | undefined {
  const b = body as { tenantId?: unknown; channelData?: { tenant?: { id?: unknown } }; conversation?: { tenantId?: unknown } } | undefined;
  const id = b?.tenantId ?? b?.channelData?.tenant?.id ?? b?.conversation?.tenantId;
  return typeof id === "string" ? id : undefined;
}
