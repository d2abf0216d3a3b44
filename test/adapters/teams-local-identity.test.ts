import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_TENANT } from "../../src/adapters/teams/identity.ts";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { postActivity } from "../support/teams-activities.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, operator, type World } from "../support/world.ts";

/**
 * Local Teams mode (TEAMS_LOCAL=on) with the clients people try first: the Bot Framework
 * Emulator sends no tenant at all, Agents Playground sends one. Both must reach the case
 * service as a known person; before, a tenant-less activity was answered "Too small:
 * expected string to have >=1 characters".
 */
function activity(serviceUrl: string, from: { id: string; name: string; aadObjectId?: string }, text: string, tenantId?: string) {
  return {
    id: `local-${Math.random().toString(36).slice(2)}`,
    type: "message",
    channelId: tenantId ? "msteams" : "emulator",
    serviceUrl,
    timestamp: new Date().toISOString(),
    from,
    recipient: { id: "bot", name: "carebot" },
    conversation: { id: `personal-${from.id}`, conversationType: "personal", ...(tenantId ? { tenantId } : {}) },
    ...(tenantId ? { channelData: { tenant: { id: tenantId } } } : {}),
    text,
    textFormat: "plain",
    locale: "en-US",
  };
}

describe("Teams local mode: who is typing, with and without a tenant", () => {
  let connector: FakeBotConnector;
  let t: TestApp;
  let w: World;
  const answerTo = async (conversationId: string) => {
    const call = await connector.waitFor((c) => (c.kind === "send" || c.kind === "reply") && c.conversationId === conversationId);
    return JSON.stringify(call.activity);
  };

  beforeAll(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    t = await startTestApp({ TEAMS_LOCAL: "on" });
    w = await buildWorld(t.app.core);
  });
  afterAll(async () => {
    await t?.close();
    await connector?.stop();
  });

  it("an Emulator user with no tenant is matched by the roster email and sees their cases", async () => {
    connector.members.set("emulator-ada", { email: "ada@acme.test" });
    const res = await postActivity(t.url("/api/messages"), activity(connector.url, { id: "emulator-ada", name: "Ada" }, "my cases"));
    expect(res.status).toBe(200);
    const answer = await answerTo("personal-emulator-ada");
    expect(answer).toContain("All My Cases");
    expect(answer).not.toContain("Too small");
    // The identity was remembered under the stand-in tenant, so the next message needs no roster lookup.
    const known = await t.app.db.prisma.chatIdentity.findMany({ where: { platform: "teams", userId: "emulator-ada" } });
    expect(known.map((k) => [k.tenantId, k.personId])).toEqual([[NO_TENANT, w.people.acmeUser.id]]);
  });

  it("an operator can link a tenant-less user explicitly (identity link --tenant no-tenant)", async () => {
    await t.app.core.directory.linkIdentity(operator, { personId: w.people.engineer.id, platform: "teams", tenantId: NO_TENANT, userId: "emulator-eve" });
    await postActivity(t.url("/api/messages"), activity(connector.url, { id: "emulator-eve", name: "Eve" }, "my cases"));
    const answer = await answerTo("personal-emulator-eve");
    expect(answer).toContain("All My Cases");
    expect(answer).not.toContain("not set up");
  });

  it("a Playground user with a tenant is matched the same way, under that tenant", async () => {
    connector.members.set("pg-alan", { email: "alan@acme.test" });
    const res = await postActivity(t.url("/api/messages"), activity(connector.url, { id: "pg-alan", name: "Alan", aadObjectId: "aad-alan" }, "my cases", "tenant-pg"));
    expect(res.status).toBe(200);
    expect(await answerTo("personal-pg-alan")).toContain("All My Cases");
    const known = await t.app.db.prisma.chatIdentity.findMany({ where: { platform: "teams", userId: "aad-alan" } });
    expect(known.map((k) => k.tenantId)).toEqual(["tenant-pg"]);
  });

  it("someone the roster cannot name is told they are not set up, not shown a validation error", async () => {
    const res = await postActivity(t.url("/api/messages"), activity(connector.url, { id: "emulator-nobody", name: "Nobody" }, "my cases"));
    expect(res.status).toBe(200);
    const answer = await answerTo("personal-emulator-nobody");
    expect(answer).toContain("not set up");
    expect(answer).not.toContain("Too small");
  });
});
