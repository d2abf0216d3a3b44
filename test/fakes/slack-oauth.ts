import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Slack's side of an OAuth v2 install, on loopback: oauth.v2.access exchanges a code
 * for the workspace's tokens (each code names the workspace it installs), and auth.test
 * answers for those tokens. Records each call with its Authorization header, so a test
 * can prove which token went where. A stand-in for Slack, which cannot be reached here.
 * @link https://docs.slack.dev/reference/methods/oauth.v2.access
 */
export interface OAuthCall {
  method: string;
  args: Record<string, string>;
  authorization: string | undefined;
}

export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  botToken: string;
  enterpriseId?: string;
  /** An org-wide install of the Grid org enterpriseId. */
  orgInstall?: boolean;
  /** Token rotation on: the install's answer carries this refresh token and an expiry. */
  refreshToken?: string;
}

/** Slack's rotating bot tokens live 12 hours. */
export const ROTATING_TOKEN_SECONDS = 43_200;

export class FakeSlackOAuth {
  readonly calls: OAuthCall[] = [];
  /** code -> the workspace it installs into */
  readonly codes = new Map<string, FakeWorkspace>();
  /** refresh token -> the workspace it refreshes; each is good once (Slack revokes it when used). */
  readonly refreshTokens = new Map<string, FakeWorkspace>();
  /** Refreshes answered so far (each gives new tokens). */
  refreshes = 0;
  /** Milliseconds a refresh takes (to let two instances ask at once). */
  refreshDelayMs = 0;
  #server?: Server;

  constructor(readonly clientId: string, readonly clientSecret: string) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/api/`;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const args = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
        const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0]!;
        this.calls.push({ method, args, authorization: req.headers.authorization });
        const answer = JSON.stringify(this.#answer(method, args, req.headers.authorization));
        setTimeout(() => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(answer);
        }, args.grant_type === "refresh_token" ? this.refreshDelayMs : 0);
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
  }

  #answer(method: string, args: Record<string, string>, authorization: string | undefined): Record<string, unknown> {
    if (method === "oauth.v2.access") {
      // Slack takes the client credentials as HTTP Basic or in the form.
      const basic = authorization?.startsWith("Basic ") ? Buffer.from(authorization.slice(6), "base64").toString("utf8") : undefined;
      const [id, secret] = basic ? basic.split(":") : [args.client_id, args.client_secret];
      if (id !== this.clientId || secret !== this.clientSecret) return { ok: false, error: "invalid_client_id" };
      if (args.grant_type === "refresh_token") return this.#refresh(args.refresh_token ?? "");
      const ws = this.codes.get(args.code ?? "");
      if (!ws) return { ok: false, error: "invalid_code" };
      this.codes.delete(args.code!); // a code is good once
      return {
        ok: true,
        app_id: "A0CAREBOT",
        authed_user: { id: "UADMIN" },
        scope: "commands,chat:write,users:read,users:read.email",
        token_type: "bot",
        access_token: ws.botToken,
        bot_user_id: `UBOT-${ws.teamId}`,
        team: ws.orgInstall ? null : { id: ws.teamId, name: ws.teamName },
        enterprise: ws.enterpriseId ? { id: ws.enterpriseId, name: "Grid" } : null,
        is_enterprise_install: Boolean(ws.orgInstall),
        ...(ws.refreshToken ? { refresh_token: ws.refreshToken, expires_in: ROTATING_TOKEN_SECONDS } : {}),
      };
    }
    if (method === "auth.test") {
      const ws = [...this.allWorkspaces].find((w) => authorization === `Bearer ${w.botToken}`);
      return ws ? { ok: true, team_id: ws.teamId, team: ws.teamName, user_id: `UBOT-${ws.teamId}`, bot_id: `B-${ws.teamId}`, url: `https://${ws.teamId}.slack.example/` } : { ok: false, error: "invalid_auth" };
    }
    return { ok: false, error: "unknown_method" };
  }

  /** grant_type=refresh_token: new bot and refresh tokens; the refresh token used is revoked. */
  #refresh(refreshToken: string): Record<string, unknown> {
    const ws = this.refreshTokens.get(refreshToken);
    if (!ws) return { ok: false, error: "invalid_refresh_token" };
    this.refreshTokens.delete(refreshToken);
    this.refreshes += 1;
    const n = this.refreshes;
    const fresh = { ...ws, botToken: `xoxe.xoxb-${ws.teamId}-refreshed-${n}`, refreshToken: `xoxe-1-${ws.teamId}-refresh-${n}` };
    this.refreshTokens.set(fresh.refreshToken, fresh);
    this.allWorkspaces.add(fresh);
    return { ok: true, app_id: "A0CAREBOT", token_type: "bot", access_token: fresh.botToken, refresh_token: fresh.refreshToken, expires_in: ROTATING_TOKEN_SECONDS, bot_user_id: `UBOT-${ws.teamId}`, team: { id: ws.teamId, name: ws.teamName } };
  }

  /** A workspace installed with token rotation on: its refresh token is good for one refresh. */
  issueRefresh(workspace: FakeWorkspace & { refreshToken: string }): void {
    this.refreshTokens.set(workspace.refreshToken, workspace);
    this.allWorkspaces.add(workspace);
  }

  /** Every workspace a code was issued for (kept after the code is used, for auth.test). */
  readonly allWorkspaces = new Set<FakeWorkspace>();

  issueCode(code: string, workspace: FakeWorkspace): void {
    this.codes.set(code, workspace);
    this.allWorkspaces.add(workspace);
    if (workspace.refreshToken) this.refreshTokens.set(workspace.refreshToken, workspace);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
