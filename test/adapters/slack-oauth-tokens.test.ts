import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockAction, commandBody, eventBody, sendToSlackEndpoint, viewSubmission } from "../support/slack-requests.ts";
import { CUSTOMER_TOKEN, startTwoWorkspaces, VENDOR_TOKEN, type TwoWorkspaces } from "../support/two-workspaces.ts";
import { operator } from "../support/world.ts";

/**
 * Issue 13, step 4: each workspace's requests are answered with its own token. The
 * vendor's workspace (T1, SLACK_BOT_TOKEN's) and a customer's workspace installed through
 * OAuth (TCUST) both ask; the Authorization header of every Web API call says which
 * token went where.
 */
const FORM = "application/x-www-form-urlencoded";

describe("each Slack workspace answered with its own token", () => {
  let s: TwoWorkspaces;
  let slack: TwoWorkspaces["slack"];
  let recorder: TwoWorkspaces["recorder"];
  let t: TwoWorkspaces["t"];
  let w: TwoWorkspaces["w"];

  beforeAll(async () => {
    s = await startTwoWorkspaces();
    ({ slack, recorder, t, w } = s);
    slack.emails.set("UADA", "ada@acme.test");
    slack.emails.set("UALAN", "alan@acme.test");
  });
  afterAll(() => s?.close());

  // The response_url is on the recorder's origin: the receiver accepts only Slack's (SLACK_API_URL's) for it.
  // Each command has its own trigger, as Slack's do: the same signed bytes twice in one second are a replay, ignored.
  let triggers = 0;
  const command = (team: string, user: string) =>
    sendToSlackEndpoint(t.url("/slack/events"), commandBody({ text: "list", user, team, triggerId: `t-tokens-${++triggers}`, responseUrl: new URL("/respond/r1", recorder.apiUrl).toString() }), FORM);

  it("the customer's workspace is answered with its installation's token, the vendor's with SLACK_BOT_TOKEN", async () => {
    const answered = slack.of("respond").length;
    expect((await command("TCUST", "UALAN")).status).toBe(200);
    await slack.waitFor("users.info", (a) => a.user === "UALAN");
    expect((await command("T1", "UADA")).status).toBe(200);
    await slack.waitFor("users.info", (a) => a.user === "UADA");
    const lookups = recorder.calls.filter((c) => c.method === "users.info");
    expect(lookups.map((c) => c.authorization)).toEqual([`Bearer ${CUSTOMER_TOKEN}`, `Bearer ${VENDOR_TOKEN}`]);
    // Both lists answered (through response_url), so no late answer lands in the next story.
    await expect.poll(() => slack.of("respond").length, { timeout: 10_000 }).toBeGreaterThanOrEqual(answered + 2);
    // The customer's user was matched in their linked workspace.
    expect(await t.app.db.prisma.chatIdentity.findFirst({ where: { tenantId: "TCUST", userId: "UALAN" } })).toMatchObject({ personId: w.people.acmeUser2.id });
  });

  it("a user of a workspace unlinked from the account is told the workspace is not linked and who can link it", async () => {
    await t.app.core.workspaces.unlink(operator, { platform: "slack", tenantId: "TCUST", accountId: w.accounts.acme.id });
    const from = slack.calls.length;
    const res = await command("TCUST", "UALAN");
    expect(res.status).toBe(200);
    // The answer comes in the response or through response_url, once Slack said who the user is.
    const said = () => res.text + JSON.stringify(slack.calls.slice(from).filter((c) => c.method === "respond"));
    await expect.poll(said, { timeout: 5000 }).toContain("Your Slack workspace is not linked to a customer account yet");
    expect(said()).toContain("Ask your Customer Success Manager or the vendor's support team to link it");
    expect(said()).not.toContain("Something went wrong");
    await t.app.core.workspaces.link(operator, { platform: "slack", tenantId: "TCUST", accountId: w.accounts.acme.id });
  });

  it("after the workspace uninstalls, nothing is sent there with its token, and its users are told what to do", async () => {
    await t.app.core.slackInstallations.remove({ teamId: "TCUST" }, "uninstalled");
    const before = recorder.calls.length;
    const res = await command("TCUST", "UALAN");
    // Answered in the command's own response (no token needed), never a 5xx nor the generic failure.
    expect(res.status).toBe(200);
    expect(res.text).toContain("carebot was removed from this Slack workspace");
    expect(res.text).toContain("Ask your Slack admin to add it again");
    expect(res.text).not.toContain("Something went wrong");
    await new Promise((r) => setTimeout(r, 300));
    expect(recorder.calls.slice(before).map((c) => c.authorization)).not.toContain(`Bearer ${CUSTOMER_TOKEN}`);
  });

  it("after the uninstall, a click, a form and an event from that workspace are answered 200, never a 5xx; the form is told why", async () => {
    const endpoint = t.url("/slack/events");
    const click = await sendToSlackEndpoint(endpoint, blockAction({ user: "UALAN", actionId: "case.open", value: "00010001", channel: "CCUST", team: "TCUST" }), FORM);
    expect(click.status).toBe(200);
    const view = { id: "V1", callback_id: "case.new", private_metadata: "{}", blocks: [] };
    const form = await sendToSlackEndpoint(endpoint, viewSubmission({ user: "UALAN", team: "TCUST", view, values: { subject: "Typed before the uninstall" } }), FORM);
    expect(form.status).toBe(200);
    expect(form.text).toContain("carebot was removed from this Slack workspace"); // pushed over the form: Back returns to what was typed
    expect(form.text).toContain('"response_action":"push"');
    const event = eventBody({ type: "message", channel: "CCUST", user: "UALAN", text: "anyone there?", ts: "1700000900.000100", channel_type: "channel" }, "EvRemoved1", "TCUST");
    expect((await sendToSlackEndpoint(endpoint, event, "application/json")).status).toBe(200);
  });
});
