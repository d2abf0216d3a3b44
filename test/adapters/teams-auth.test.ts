import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeBotConnector } from "../fakes/bot-connector.ts";
import { FakeBotOpenId } from "../fakes/bot-openid.ts";
import { invoke, postActivity, TENANT, type TeamsUser } from "../support/teams-activities.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";
import { buildWorld, type World } from "../support/world.ts";

const APP_ID = "00000000-1111-2222-3333-444444444444";
const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };

describe("Teams with app credentials: Bot Framework tokens are checked for real", () => {
  let openid: FakeBotOpenId;
  let connector: FakeBotConnector;
  let t: TestApp;
  let w: World;
  let endpoint = "";
  beforeAll(async () => {
    openid = new FakeBotOpenId();
    connector = new FakeBotConnector();
    await openid.start();
    await connector.start();
    // The local connector is on 127.0.0.1, not a Bot Framework host: allowed here by name, as an operator would add a sovereign cloud's.
    t = await startTestApp({ TEAMS_APP_ID: APP_ID, TEAMS_APP_PASSWORD: "test-password-not-used-offline", TEAMS_OPENID_METADATA_URL: openid.metadataUrl, TEAMS_SERVICE_URL_HOSTS: "127.0.0.1" });
    w = await buildWorld(t.app.core);
    await t.app.core.directory.linkIdentity({ actor: { operator: true }, source: "cli" }, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
    endpoint = t.url("/api/messages");
  });
  afterAll(async () => {
    await t.close();
    await connector.stop();
    await openid.stop();
  });

  const activity = () => invoke(connector.url, ada, "task/fetch", { data: { msteams: { type: "task/fetch" }, action: "case.new", value: "new" } });
  const send = (token?: string) => {
    const a = activity();
    return postActivity(endpoint, a, token ? { authorization: `Bearer ${token}` } : {});
  };

  it("accepts a valid token and runs the turn", async () => {
    const res = await send(openid.token({ audience: APP_ID, serviceUrl: connector.url }));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ task: { type: "continue" } });
  });

  it("refuses a missing token, a wrong issuer, audience, an expired one or a bad signature, with nothing stored", async () => {
    const before = await t.app.db.prisma.inboundEvent.count();
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const valid = openid.token({ audience: APP_ID, serviceUrl: connector.url });
    const [head, body, signature] = valid.split(".");
    const flipped = `${head}.${body}.${signature!.slice(0, -4)}${signature!.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    const cases: [string, string | undefined][] = [
      ["missing", undefined],
      ["issuer", openid.token({ audience: APP_ID, serviceUrl: connector.url, issuer: "https://evil.example" })],
      ["audience", openid.token({ audience: "99999999-9999-9999-9999-999999999999", serviceUrl: connector.url })],
      ["expired", openid.token({ audience: APP_ID, serviceUrl: connector.url, expiresInSeconds: -3600 })],
      ["signature (another key)", openid.token({ audience: APP_ID, serviceUrl: connector.url, key: other })],
      ["signature (tampered)", flipped],
    ];
    for (const [what, token] of cases) {
      const res = await send(token);
      expect(res.status, what).toBe(401);
      expect(res.text, what).not.toMatch(/stack|at \w+ \(/);
    }
    expect(await t.app.db.prisma.inboundEvent.count()).toBe(before);
    expect(connector.calls).toEqual([]);
  });
});
