import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONCURRENCY } from "../../src/delivery/worker.ts";
import { FakeBotConnector, type ConnectorCall } from "../fakes/bot-connector.ts";
import { CHANNEL, channelConversation, invoke, message, PERSONAL, postActivity, TENANT, type TeamsUser } from "../support/teams-activities.ts";
import { as, buildWorld, filing, operator } from "../support/world.ts";
import { burst, crashWorld, phaseClock, repeats, sleep, type CrashServer, type CrashWorld, type Outcome } from "./crash-harness.ts";

/**
 * Nothing acknowledged is lost, in Teams. The real server runs as a child process in
 * Teams local mode (loopback only) against a local recording Bot Connector; Ada files
 * cases from new-case dialogs (from her personal chat, from the top of a channel and
 * from inside channel threads) and replies in the channel thread of a case she follows,
 * all at once, and the server is killed with SIGKILL in the middle. Then:
 *  - with the server still down, every filing and reply that got a 2xx is in the
 *    database exactly once;
 *  - after a restart, Teams delivers again every activity it got no 2xx for (the same
 *    activity, same id), and two it did: still one case per dialog and one comment per
 *    message, and every case has exactly one card where its dialog was submitted (and
 *    one in triage), each sent once per receipt.
 * On PGlite the database is a folder on disk; on PostgreSQL (npm run test:postgres) a
 * fresh database.
 */
const CASES = 24;
const REPLIES = 48;
/** Acknowledged requests after which the server is killed: mid-burst. */
const KILL_AFTER = Math.round((CASES + REPLIES) * 0.4);
const CONCURRENCY = 6;
const TRIAGE = "19:triage@thread.tacv2";
const REPLY_ROOT = "1700000000001";
const ada: TeamsUser = { id: "29:ada", aadObjectId: "aad-ada", name: "Ada Acme" };

type Where = "personal" | "channel" | "thread";
interface Item {
  kind: "case" | "reply";
  /** The subject or the reply's text: unique (no one is part of another), so rows and cards are counted by it. */
  text: string;
  /** The activity as Teams sends it, and sends it again: the same id every time. */
  activity: Record<string, unknown>;
  /** A filing: where its dialog was submitted, and so where its card belongs. */
  where?: Where;
  cardConversation?: string;
  outcome?: Outcome;
}

describe("crash: SIGKILL in the middle of a burst of Teams filings and thread replies", () => {
  let connector: FakeBotConnector;
  let world: CrashWorld;
  let server: CrashServer | undefined;

  beforeAll(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    world = await crashWorld();
  });
  afterAll(async () => {
    await world.close();
    await connector.stop();
  });

  const startServer = () => world.startServer({ TEAMS_LOCAL: "on", TEAMS_TRIAGE_CHANNEL: TRIAGE });

  /** A 2xx is Teams' acknowledgement; a filing also needs the dialog to close (a form shown again is a refusal). */
  async function deliver(s: CrashServer, item: Item): Promise<Outcome> {
    try {
      const res = await postActivity(`${s.url}/api/messages`, item.activity);
      if (res.status < 200 || res.status > 299) return "lost"; // Teams delivers it again
      if (item.kind === "reply") return "acked";
      return (res.json() as { task?: { type?: string } }).task?.type === "message" ? "acked" : "refused";
    } catch {
      return "lost"; // the connection died with the server, or it was already down
    }
  }

  it("every acknowledged filing and reply is stored once, and every case gets exactly one card where its dialog was submitted", { timeout: 90_000 }, async () => {
    const { phase, phases, sinceStart } = phaseClock();
    // The world, seeded before the server starts. The bot has been added to the triage channel
    // (its conversation is remembered); everything else it remembers from the activities themselves.
    const seeded = await world.seed(async (core) => {
      const w = await buildWorld(core);
      await core.directory.linkIdentity(operator, { personId: w.people.acmeUser.id, platform: "teams", tenantId: TENANT, userId: ada.aadObjectId });
      await core.threads.rememberConversation({
        platform: "teams",
        conversationId: TRIAGE,
        tenantId: TENANT,
        reference: { serviceUrl: connector.url, channelId: "msteams", bot: { id: "28:carebot", name: "carebot" }, conversation: { id: TRIAGE, conversationType: "channel", isGroup: true, tenantId: TENANT } },
      });
      const { case: c } = await core.cases.file(as(w.people.acmeUser.id, "teams"), filing(w.accounts.acme.id, { subject: "The case Ada replies on in Teams" }));
      return { acme: w.accounts.acme.id, replyCase: c.id, replyNumber: c.number };
    });
    phase("seed");
    server = await startServer();
    phase("start");
    // Ada follows her case in a channel thread ("@carebot follow N" at the thread's root).
    expect((await postActivity(`${server.url}/api/messages`, message(connector.url, ada, `follow ${seeded.replyNumber}`, { conversation: channelConversation(REPLY_ROOT), id: REPLY_ROOT, mention: true }))).status).toBe(200);
    await connector.waitFor((c) => c.conversationId === `${CHANNEL};messageid=${REPLY_ROOT}` && JSON.stringify(c.activity ?? {}).includes("The case Ada replies on in Teams"), 10_000);

    const places: Where[] = ["personal", "channel", "thread"];
    const cases: Item[] = Array.from({ length: CASES }, (_, i) => {
      const text = `Teams crash case ${String(i).padStart(2, "0")}`;
      const where = places[i % places.length]!;
      const root = `17000005000${String(i).padStart(2, "0")}`;
      const conversation = where === "personal" ? PERSONAL(ada) : where === "channel" ? channelConversation() : channelConversation(root);
      const cardConversation = where === "personal" ? PERSONAL(ada).id : where === "channel" ? CHANNEL : `${CHANNEL};messageid=${root}`;
      // Each dialog is a form of its own (its own filing key), submitted once by Ada; Teams may send it again.
      const data = { callbackId: "case.new", state: { key: randomUUID() }, accountId: seeded.acme, caseType: "TECHNICAL_ISSUE", severity: "S3", subject: text, description: `Filed in the burst (${i}).`, feature: "live/webcast" };
      return { kind: "case", text, where, cardConversation, activity: invoke(connector.url, ada, "task/submit", { data }, { conversation }) };
    });
    const replies: Item[] = Array.from({ length: REPLIES }, (_, j) => {
      const text = `Teams crash reply ${String(j).padStart(2, "0")}`;
      return { kind: "reply", text, activity: message(connector.url, ada, text, { conversation: channelConversation(REPLY_ROOT), id: `17000010000${String(j).padStart(2, "0")}` }) };
    });
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
    // A customer's card: anything the bot sent (not an update) naming the case, outside the triage channel.
    const customerCards = (subject: string) =>
      connector.calls.filter((c) => c.kind !== "update" && c.kind !== "member" && !c.conversationId.startsWith(TRIAGE) && JSON.stringify(c.activity ?? {}).includes(subject));
    const cardsBeforeRestart = cases.filter((c) => customerCards(c.text).length > 0).length;

    // With the server down: every acknowledged item is stored, once.
    const stored = () =>
      world.withDatabase(async (db) => ({
        cases: await db.prisma.case.groupBy({ by: ["subject"], where: { subject: { startsWith: "Teams crash case" } }, _count: true }),
        comments: await db.prisma.comment.groupBy({ by: ["body"], where: { caseId: seeded.replyCase }, _count: true }),
      }));
    const afterKill = await stored();
    const storedCases = new Map(afterKill.cases.map((r) => [r.subject, r._count]));
    const storedReplies = new Map(afterKill.comments.map((r) => [r.body, r._count]));
    const lostCases = ackedCases.filter((c) => storedCases.get(c.text) !== 1).map((c) => c.text);
    const lostReplies = ackedReplies.filter((r) => storedReplies.get(r.text) !== 1).map((r) => r.text);
    phase("check after kill");

    // Restart. Teams delivers again, as it does after no 2xx, every activity not acknowledged, and two of
    // each kind that were (an acknowledgement can be lost on the way back).
    server = await startServer();
    const restartedAt = Date.now();
    phase("restart");
    const again = [...all.filter((i) => i.outcome !== "acked"), ...ackedCases.slice(0, 2), ...ackedReplies.slice(0, 2)];
    const redelivered = await Promise.all(again.map((item) => deliver(server!, item)));
    expect(redelivered.filter((o) => o !== "acked")).toEqual([]);

    // Delivery: every case gets its card where its dialog was submitted, and one in triage.
    const triageCards = (subject: string) => connector.calls.filter((c: ConnectorCall) => c.kind === "create" && c.conversationId === TRIAGE && JSON.stringify(c.activity ?? {}).includes(subject));
    const deadline = Date.now() + 20_000;
    while (cases.some((c) => customerCards(c.text).length === 0 || triageCards(c.text).length === 0) && Date.now() < deadline) await sleep(100);
    const deliveredIn = Date.now();
    phase("redeliver and deliver");
    await sleep(1_000); // room for a duplicate to show
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    server = undefined;

    const final = await world.withDatabase(async (db) => {
      const filed = await db.prisma.case.findMany({ where: { subject: { startsWith: "Teams crash case" } }, select: { id: true } });
      const ids = filed.map((c) => c.id);
      const notifications = await db.prisma.notification.findMany({ where: { caseId: { in: ids }, event: "case.filed" }, select: { id: true, status: true } });
      return {
        ...(await stored()),
        customerThreads: await db.prisma.caseThread.count({ where: { caseId: { in: ids }, audience: "CUSTOMER" } }),
        filedNotifications: notifications.length,
        undelivered: notifications.filter((n) => n.status !== "DELIVERED").length,
        originReceipts: await db.prisma.deliveryReceipt.count({ where: { notificationId: { in: notifications.map((n) => n.id) }, target: "origin" } }),
      };
    });
    phase("stop and final check");
    const cards = cases.map((c) => customerCards(c.text).length);
    const misplaced = cases.flatMap((c) => customerCards(c.text).filter((x) => x.conversationId !== c.cardConversation).map((x) => `${c.text} in ${x.conversationId}`));
    const triage = cases.map((c) => triageCards(c.text).length);
    const figures = {
      database: world.database,
      sent: { cases: CASES, replies: REPLIES },
      acked: { cases: ackedCases.length, replies: ackedReplies.length },
      refused: count(all, "refused"),
      lost: count(all, "lost"),
      redelivered: again.length,
      storedAtKill: { cases: storedCases.size, replies: storedReplies.size, ackedButMissing: lostCases.length + lostReplies.length },
      cardsBeforeRestart,
      final: { cases: final.cases.length, replies: final.comments.length, customerThreads: final.customerThreads, undeliveredFilings: final.undelivered, originReceipts: final.originReceipts },
      cards: { total: cards.reduce((a, b) => a + b, 0), casesWithNone: cards.filter((n) => n === 0).length, repeated: repeats(cards), misplaced: misplaced.length },
      triageCards: { total: triage.reduce((a, b) => a + b, 0), casesWithNone: triage.filter((n) => n === 0).length, repeated: repeats(triage) },
      secondsFromRestartToLastCard: ((deliveredIn - restartedAt) / 1000).toFixed(1),
      seconds: sinceStart(),
      phases,
    };
    console.log(`teams crash test figures: ${JSON.stringify(figures)}`);

    expect(acked).toBeGreaterThanOrEqual(KILL_AFTER); // the kill did land mid-burst, after acknowledgements
    expect(lostCases).toEqual([]);
    expect(lostReplies).toEqual([]);
    expect(final.cases.map((r) => r._count).filter((n) => n !== 1)).toEqual([]);
    expect(final.cases).toHaveLength(CASES);
    expect(final.comments.map((r) => r._count).filter((n) => n !== 1)).toEqual([]);
    expect(final.comments).toHaveLength(REPLIES);
    expect(final.filedNotifications).toBe(CASES);
    expect(final.undelivered).toBe(0);
    expect(final.originReceipts).toBe(CASES);
    // Channel filings (top and thread) are followed there; a personal chat has no thread to follow.
    expect(final.customerThreads).toBe(cases.filter((c) => c.where !== "personal").length);
    expect(cards.filter((n) => n === 0)).toEqual([]);
    expect(triage.filter((n) => n === 0)).toEqual([]);
    expect(misplaced).toEqual([]);
    // The Bot Connector takes no idempotency key either: a kill in the instant between Teams taking a card
    // and its receipt being written repeats that card after the restart (the worker has at most
    // DEFAULT_CONCURRENCY notifications in flight, so at most that many per kill). Every other card is sent exactly once (receipts).
    expect(repeats(cards) + repeats(triage)).toBeLessThanOrEqual(DEFAULT_CONCURRENCY);
    expect(Number(figures.seconds)).toBeLessThan(60);
  });
});
