import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.ts";
import { CredentialVault } from "../../src/core/crypto/credentials.ts";
import { installationContext } from "../../src/core/workspaces/slack-installations.ts";
import { CUSTOMER_TOKEN, startTwoWorkspaces, type TwoWorkspaces } from "../support/two-workspaces.ts";
import { as, filing, operator } from "../support/world.ts";

/**
 * Issue 13: Slack delivery per workspace. Slack limits an app per workspace, so a 429
 * for one customer's workspace pauses posting there only: the other customers' threads
 * and the vendor's channels keep getting theirs, and notifications waiting for the
 * paused workspace are not counted as failed attempts. And delivery does not read the
 * installation for every post: it remembers each workspace's token for 15 s of the
 * server's clock, forgetting it at once when the installation changes in this process.
 * (Delivery runs when the test says; the clock is the server's injected one.)
 */
const OTHER_TOKEN = "xoxb-other-customer-token";
const KEY = Buffer.alloc(32, 9);

describe("Slack delivery, workspace by workspace", () => {
  let s: TwoWorkspaces;
  const clock = new ManualClock(new Date());
  let thread = 0;

  beforeAll(async () => {
    s = await startTwoWorkspaces({ SLACK_TRIAGE_CHANNEL: "CTRIAGE", CREDENTIALS_KEY: KEY.toString("base64") }, { clock });
    await s.install({ teamId: "TOTHER", token: OTHER_TOKEN });
    await s.t.app.core.workspaces.link(operator, { platform: "slack", tenantId: "TOTHER", accountId: s.w.accounts.globex.id });
  });
  afterAll(() => s?.close());

  /** A case followed in a channel of a workspace, its filing delivered; `comment` leaves a comment's notification waiting in the outbox. */
  async function followed(teamId: string, channel: string) {
    const customer = as(s.w.people.acmeUser.id);
    const { case: c } = await s.t.app.core.cases.file(customer, filing(s.w.accounts.acme.id, { subject: `In ${channel}` }));
    thread += 1;
    await s.t.app.core.threads.follow(customer, { case: c.number, platform: "slack", tenantId: teamId, channelId: channel, threadId: `1700000000.00${thread}`, audience: "CUSTOMER" });
    await s.t.app.worker!.runOnce();
    return {
      comment: async () => {
        await s.t.app.core.cases.comment(as(s.w.people.engineer.id), c.number, { body: `Update for ${channel}` });
        return s.t.app.db.prisma.notification.findFirstOrThrow({ where: { caseId: c.id, event: "case.comment" }, orderBy: { createdAt: "desc" } });
      },
    };
  }
  const commentWaiting = async (teamId: string, channel: string) => (await followed(teamId, channel)).comment();
  const noteOf = (id: string) => s.t.app.db.prisma.notification.findUniqueOrThrow({ where: { id } });

  it("a 429 in one customer's workspace pauses that workspace only; its waiting notifications are not counted as attempts", async () => {
    const [inLimited, inOther, laterInLimited, laterInOther] = [await followed("TCUST", "CLIMIT1"), await followed("TOTHER", "COTHER1"), await followed("TCUST", "CLIMIT2"), await followed("TOTHER", "COTHER2")];
    const limited = await inLimited.comment();
    const other = await inOther.comment();
    s.recorder.limited.set(CUSTOMER_TOKEN, 30);
    await s.t.app.worker!.runOnce();
    expect(s.recorder.tokensTo("chat.postMessage", "COTHER1")).toEqual([OTHER_TOKEN]);
    expect((await noteOf(other.id)).deliveredAt).not.toBeNull();
    expect((await noteOf(limited.id)).deliveredAt).toBeNull();
    expect((await noteOf(limited.id)).availableAt.getTime()).toBe(clock.now().getTime() + 30_000);

    // While the pause lasts: nothing is tried in TCUST (no call with its token), the other workspace carries on.
    const laterLimited = await laterInLimited.comment();
    const laterOther = await laterInOther.comment();
    const customerCalls = s.recorder.calls.filter((c) => c.authorization === `Bearer ${CUSTOMER_TOKEN}`).length;
    s.recorder.limited.delete(CUSTOMER_TOKEN);
    await s.t.app.worker!.runOnce();
    expect(s.recorder.calls.filter((c) => c.authorization === `Bearer ${CUSTOMER_TOKEN}`).length).toBe(customerCalls);
    expect((await noteOf(laterOther.id)).deliveredAt).not.toBeNull();
    expect(await noteOf(laterLimited.id)).toMatchObject({ deliveredAt: null, attempts: 0 });

    // Retry-After passed: TCUST gets both, with its own token.
    clock.advance(31_000);
    await s.t.app.worker!.runOnce();
    for (const channel of ["CLIMIT1", "CLIMIT2"]) expect(s.recorder.tokensTo("chat.postMessage", channel).at(-1)).toBe(CUSTOMER_TOKEN);
    expect((await noteOf(limited.id)).deliveredAt).not.toBeNull();
    expect((await noteOf(laterLimited.id)).deliveredAt).not.toBeNull();
  });

  it("a workspace's token is remembered for 15 s, not read per post, and forgotten at once when the installation changes here or Slack refuses it", async () => {
    clock.advance(60_000);
    await commentWaiting("TCUST", "CMEM1");
    await s.t.app.worker!.runOnce();
    expect(s.recorder.tokensTo("chat.postMessage", "CMEM1").at(-1)).toBe(CUSTOMER_TOKEN);

    // Another process stores a new token (straight into the database: this process hears nothing of it).
    const sealed = new CredentialVault(KEY).sealText(installationContext("T:TCUST"), JSON.stringify({ team: { id: "TCUST" }, user: { id: "UADMIN" }, bot: { token: "xoxb-customer-token-2" } }));
    await s.t.app.db.prisma.slackInstallation.update({ where: { installKey: "T:TCUST" }, data: { secretsSealed: sealed } });
    await commentWaiting("TCUST", "CMEM2");
    await s.t.app.worker!.runOnce();
    expect(s.recorder.tokensTo("chat.postMessage", "CMEM2").at(-1)).toBe(CUSTOMER_TOKEN); // remembered

    clock.advance(16_000);
    await commentWaiting("TCUST", "CMEM3");
    await s.t.app.worker!.runOnce();
    expect(s.recorder.tokensTo("chat.postMessage", "CMEM3").at(-1)).toBe("xoxb-customer-token-2"); // asked again

    // Another process refreshes the token and Slack stops taking the remembered one: delivery asks again at once.
    const sealedAgain = new CredentialVault(KEY).sealText(installationContext("T:TCUST"), JSON.stringify({ team: { id: "TCUST" }, user: { id: "UADMIN" }, bot: { token: "xoxb-customer-token-2b" } }));
    await s.t.app.db.prisma.slackInstallation.update({ where: { installKey: "T:TCUST" }, data: { secretsSealed: sealedAgain } });
    s.recorder.revoked.add("xoxb-customer-token-2");
    await commentWaiting("TCUST", "CMEM3B");
    await s.t.app.worker!.runOnce();
    expect(s.recorder.tokensTo("chat.postMessage", "CMEM3B")).toEqual(["xoxb-customer-token-2", "xoxb-customer-token-2b"]);

    // A re-install in this process is used at once, and so is an uninstall.
    await s.install({ teamId: "TCUST", token: "xoxb-customer-token-3" });
    await commentWaiting("TCUST", "CMEM4");
    await s.t.app.worker!.runOnce();
    expect(s.recorder.tokensTo("chat.postMessage", "CMEM4").at(-1)).toBe("xoxb-customer-token-3");
    await s.t.app.core.slackInstallations.remove({ teamId: "TCUST" }, "uninstalled");
    await commentWaiting("TCUST", "CMEM5");
    await s.t.app.worker!.runOnce();
    expect(s.recorder.tokensTo("chat.postMessage", "CMEM5")).toEqual([]);
  });
});
