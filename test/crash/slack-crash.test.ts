import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONCURRENCY } from "../../src/delivery/worker.ts";
import { FakeSlackApi } from "../fakes/slack-api.ts";
import { commandBody, eventBody, SIGNING_SECRET, sendToSlackEndpoint, viewSubmission } from "../support/slack-requests.ts";
import { as, buildWorld, filing, operator } from "../support/world.ts";
import { burst, crashWorld, phaseClock, repeats, sleep, type CrashServer, type CrashWorld, type Outcome } from "./crash-harness.ts";

/**
 * Nothing acknowledged is lost. The real server runs as a child process (`node --import
 * tsx src/main.ts`) against a local recording Slack; customers submit new-case forms
 * (each from its own opened form) and reply in a case thread, all at once, and the
 * server is killed with SIGKILL in the middle. Then:
 *  - with the server still down, every submission and reply that got a 200 is in the
 *    database exactly once;
 *  - after a restart, Slack retries what was not acknowledged and customers submit
 *    their forms again: still one case per form and one comment per reply, and every
 *    case has exactly one card in the channel it was filed from.
 * On PGlite the database is a folder on disk (the server is another process); on
 * PostgreSQL (npm run test:postgres) a fresh database.
 */
const CASES = 24;
const REPLIES = 48;
/** Acknowledged requests after which the server is killed: mid-burst. */
const KILL_AFTER = Math.round((CASES + REPLIES) * 0.4);
const CONCURRENCY = 6;
const FILE_CHANNEL = "CFILE";
const REPLY_CHANNEL = "CREPLY";
const REPLY_THREAD = "1700000000.000001";
const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

interface Item {
  kind: "case" | "reply";
  /** The subject or the reply's text: unique, so rows and cards are counted by it. */
  text: string;
  body: string;
  outcome?: Outcome;
}

describe("crash: SIGKILL in the middle of a burst of filings and replies", () => {
  let slack: FakeSlackApi;
  let world: CrashWorld;
  let server: CrashServer | undefined;

  beforeAll(async () => {
    slack = new FakeSlackApi();
    await slack.start();
    slack.emails.set("UADA", "ada@acme.test");
    world = await crashWorld();
  });
  afterAll(async () => {
    await world.close();
    await slack.stop();
  });

  const startServer = () =>
    world.startServer({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: "xoxb-crash-test", SLACK_API_URL: slack.apiUrl, SLACK_TRIAGE_CHANNEL: "CTRIAGE" });

  let signedAt = Math.floor(Date.now() / 1000);
  /** Slack signs every delivery anew: a retry is never the same signed bytes as the first try. */
  async function deliver(s: CrashServer, item: Item, retry = false): Promise<Outcome> {
    signedAt -= 1;
    try {
      const res = await sendToSlackEndpoint(`${s.url}/slack/events`, item.body, item.kind === "case" ? FORM : JSON_TYPE, { timestamp: signedAt, ...(retry ? { retryNum: 1 } : {}) });
      // A form with errors is a refusal too (200 with response_action "errors").
      return res.status === 200 && (item.kind === "reply" || res.text === "") ? "acked" : "refused";
    } catch {
      return "lost"; // the connection died with the server, or it was already down
    }
  }

  it("every acknowledged filing and reply is stored once, and every case gets exactly one card where it was filed", { timeout: 90_000 }, async () => {
    const { phase, phases, sinceStart } = phaseClock();
    // The world, seeded before the server starts (the embedded database belongs to one process).
    const seeded = await world.seed(async (core) => {
      const w = await buildWorld(core);
      await core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "slack", tenantId: "T1", userId: "UADA" });
      const { case: c } = await core.cases.file(as(w.people.acmeUser.id), filing(w.accounts.acme.id, { subject: "The case Ada replies on" }));
      await core.threads.follow(as(w.people.acmeUser.id), { case: c.number, platform: "slack", tenantId: "T1", channelId: REPLY_CHANNEL, threadId: REPLY_THREAD, audience: "CUSTOMER" });
      return { acme: w.accounts.acme.id, replyCase: c.id };
    });

    phase("seed");
    server = await startServer();
    phase("start");
    // Each form is opened on its own (its own idempotency key), in the channel Ada files from.
    const url = server.url;
    const forms = await Promise.all(
      Array.from({ length: CASES }, async (_, i) => {
        const trigger = `t-crash-${i}`;
        expect((await sendToSlackEndpoint(`${url}/slack/events`, commandBody({ text: "new", user: "UADA", channel: FILE_CHANNEL, responseUrl: slack.responseUrl(), triggerId: trigger }), FORM)).status).toBe(200);
        return (await slack.waitFor("views.open", (a) => a.trigger_id === trigger, 15_000)).view as Record<string, unknown>;
      }),
    );
    const cases: Item[] = forms.map((view, i) => {
      const text = `Crash case ${i}`;
      const values = { accountId: seeded.acme, caseType: "TECHNICAL_ISSUE", severity: "S3", subject: text, description: `Filed in the burst (${i}).`, feature: "captions/machine" };
      return { kind: "case", text, body: viewSubmission({ user: "UADA", view, values }) };
    });
    const replies: Item[] = Array.from({ length: REPLIES }, (_, j) => {
      const text = `Crash reply ${j}`;
      const ts = `1700000100.${String(j).padStart(6, "0")}`;
      const event = { type: "message", channel: REPLY_CHANNEL, user: "UADA", text, ts, thread_ts: REPLY_THREAD, event_ts: ts, channel_type: "channel" };
      return { kind: "reply", text, body: eventBody(event, `EvCrash${j}`) };
    });
    phase("open forms");
    // Interleaved: two replies for every filing.
    const all = cases.flatMap((c, i) => [c, replies[2 * i]!, replies[2 * i + 1]!]);

    // The burst, and SIGKILL once KILL_AFTER requests were acknowledged.
    const first = server;
    let acked = 0;
    await burst(all, (item) => deliver(first, item), {
      concurrency: CONCURRENCY,
      onAck: () => {
        acked += 1;
        if (acked === KILL_AFTER) first.child.kill("SIGKILL");
      },
    });
    await first.exited;
    server = undefined;
    phase("burst and kill");
    const count = (items: Item[], outcome: Outcome) => items.filter((i) => i.outcome === outcome).length;
    const ackedCases = cases.filter((c) => c.outcome === "acked");
    const ackedReplies = replies.filter((r) => r.outcome === "acked");
    const cardsBeforeRestart = slack.of("chat.postMessage").filter((a) => a.channel === FILE_CHANNEL).length;

    // With the server down: every acknowledged item is stored, once.
    const afterKill = await world.withDatabase(async (db) => ({
      cases: await db.prisma.case.groupBy({ by: ["subject"], where: { subject: { startsWith: "Crash case" } }, _count: true }),
      comments: await db.prisma.comment.groupBy({ by: ["body"], where: { caseId: seeded.replyCase }, _count: true }),
    }));
    const storedCases = new Map(afterKill.cases.map((r) => [r.subject, r._count]));
    const storedReplies = new Map(afterKill.comments.map((r) => [r.body, r._count]));
    const lostCases = ackedCases.filter((c) => storedCases.get(c.text) !== 1).map((c) => c.text);
    const lostReplies = ackedReplies.filter((r) => storedReplies.get(r.text) !== 1).map((r) => r.text);

    phase("check after kill");
    // Restart. Slack retries every reply it got no 200 for; Ada submits again every form she did not see
    // close, and, as one does after an error, two she did.
    server = await startServer();
    const restartedAt = Date.now();
    phase("restart");
    const resent = [...all.filter((i) => i.outcome !== "acked"), ...ackedCases.slice(0, 2)];
    const again = await Promise.all(resent.map((item) => deliver(server!, item, item.kind === "reply")));
    expect(again.filter((o) => o !== "acked")).toEqual([]);

    // Delivery: every case gets its card in FILE_CHANNEL (the killed worker's claims expire after the lease).
    const cardsOf = (subject: string, channel = FILE_CHANNEL) =>
      slack.of("chat.postMessage").filter((a) => a.channel === channel && !a.thread_ts && new RegExp(`^Case \\d{8}: ${subject}(\\W|$)`).test(String(a.text))).length;
    const deadline = Date.now() + 20_000;
    while (cases.some((c) => cardsOf(c.text) === 0 || cardsOf(c.text, "CTRIAGE") === 0) && Date.now() < deadline) await sleep(100);
    const deliveredIn = Date.now();
    phase("resend and deliver");
    await sleep(1_000); // room for a duplicate to show
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    server = undefined;

    const final = await world.withDatabase(async (db) => ({
      cases: await db.prisma.case.groupBy({ by: ["subject"], where: { subject: { startsWith: "Crash case" } }, _count: true }),
      comments: await db.prisma.comment.groupBy({ by: ["body"], where: { caseId: seeded.replyCase }, _count: true }),
      threads: await db.prisma.caseThread.count({ where: { audience: "CUSTOMER", channelId: FILE_CHANNEL } }),
      undelivered: await db.prisma.notification.count({ where: { status: { not: "DELIVERED" }, event: "case.filed" } }),
    }));
    phase("stop and final check");
    const cards = cases.map((c) => cardsOf(c.text));
    const triage = cases.map((c) => cardsOf(c.text, "CTRIAGE"));
    const figures = {
      database: world.database,
      sent: { cases: CASES, replies: REPLIES },
      acked: { cases: ackedCases.length, replies: ackedReplies.length },
      refused: count(all, "refused"),
      lostConnection: count(all, "lost"),
      storedAtKill: { cases: storedCases.size, replies: storedReplies.size, ackedButMissing: lostCases.length + lostReplies.length },
      cardsBeforeRestart,
      final: { cases: final.cases.length, replies: final.comments.length, customerThreads: final.threads, undeliveredFilings: final.undelivered },
      cards: { total: cards.reduce((a, b) => a + b, 0), casesWithNone: cards.filter((n) => n === 0).length, repeated: repeats(cards) },
      triageCards: { total: triage.reduce((a, b) => a + b, 0), casesWithNone: triage.filter((n) => n === 0).length, repeated: repeats(triage) },
      secondsFromRestartToLastCard: ((deliveredIn - restartedAt) / 1000).toFixed(1),
      seconds: sinceStart(),
      phases,
    };
    console.log(`crash test figures: ${JSON.stringify(figures)}`);

    expect(acked).toBeGreaterThanOrEqual(KILL_AFTER); // the kill did land mid-burst, after acknowledgements
    expect(lostCases).toEqual([]);
    expect(lostReplies).toEqual([]);
    expect(final.cases.map((r) => r._count).filter((n) => n !== 1)).toEqual([]);
    expect(final.cases).toHaveLength(CASES);
    expect(final.comments.map((r) => r._count).filter((n) => n !== 1)).toEqual([]);
    expect(final.comments).toHaveLength(REPLIES);
    expect(final.undelivered).toBe(0);
    expect(final.threads).toBe(CASES);
    expect(cards.filter((n) => n === 0)).toEqual([]);
    // Slack's chat.postMessage has no idempotency key: a kill in the instant between Slack taking a card
    // and its receipt being written repeats that card after the restart (the worker has at most
    // DEFAULT_CONCURRENCY notifications in flight, so at most that many per kill). Every other card is posted exactly once (receipts).
    expect(triage.filter((n) => n === 0)).toEqual([]);
    expect(repeats(cards) + repeats(triage)).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
  });
});
