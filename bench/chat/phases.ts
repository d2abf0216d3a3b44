import { DEMO_PEOPLE } from "../../src/core/demo/demo-data.ts";
import { closedLoop, median, openLoop, quantiles } from "./load.ts";
import type { PgWireCounter } from "./pg-wire-counter.ts";
import { sleep } from "./processes.ts";
import type { Sent } from "./slack-requests.ts";
import type { ChatTraffic, SlackUser, SubmitResult, Target } from "./traffic.ts";

/**
 * The traffic of one run, phase by phase. Every request goes to carebot and to the
 * bare Bolt app, interleaved (which goes first alternates), so both see the machine
 * in the same state; only carebot's visible answers are awaited.
 */
export type Figures = Record<string, number | undefined>;

const CONTACTS = [DEMO_PEOPLE.parentUser, DEMO_PEOPLE.subUser, DEMO_PEOPLE.siblingUser, DEMO_PEOPLE.standardUser];
/**
 * 40 Slack users, 10 for each demo contact (Slack users are linked to a contact by the
 * email users.info reports), spread over 4 workspaces, in an order where consecutive
 * requests come from different contacts and workspaces: many people at once, none of
 * them sending more than about one request a second.
 */
export const USERS: SlackUser[] = Array.from({ length: 10 }, (_, k) => CONTACTS.map((email, c) => ({ id: `UB${c}${String(k).padStart(2, "0")}`, team: `T${(k % 4) + 1}`, email }))).flat();
/** Files the warm-up case whose thread the replies go to. */
export const THREAD_USER = USERS[0]!;
const CONCURRENCY = 4;

export interface Thread {
  channel: string;
  ts: string;
}

function putQuantiles(figures: Figures, prefix: string, values: number[]): void {
  const q = quantiles(values);
  figures[`${prefix}.p50`] = q.p50;
  figures[`${prefix}.p95`] = q.p95;
  figures[`${prefix}.p99`] = q.p99;
}

/** carebot's percentile over bare Bolt's, for each of p50/p95/p99. */
function putRatios(figures: Figures, prefix: string): void {
  for (const p of ["p50", "p95", "p99"]) {
    const a = figures[`${prefix}.ack.${p}`];
    const b = figures[`${prefix}.bare.${p}`];
    figures[`${prefix}.ratio.${p}`] = a !== undefined && b ? a / b : undefined;
  }
}

/** Waits until progress() reaches target, or stops moving for idleMs, or maxMs passed. */
async function waitProgress(progress: () => number, target: number, idleMs: number, maxMs: number): Promise<void> {
  const end = performance.now() + maxMs;
  let last = -1;
  let lastChange = performance.now();
  while (performance.now() < end) {
    const now = progress();
    if (now >= target) return;
    if (now !== last) {
      last = now;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > idleMs) return;
    await sleep(50);
  }
}

/**
 * Every user lists once (resolving their identity: users.info, linked by email), one
 * user of each contact opens a modal (the template of that contact's submissions) and
 * files a case; the first card's thread is the one the replies go to.
 */
export async function warmUp(t: ChatTraffic): Promise<Thread> {
  await closedLoop(USERS.length, CONCURRENCY, 120_000, async (i) => {
    const u = USERS[i]!;
    const id = `${t.token}-wl-${i}`;
    const sent = await t.list(t.carebot, u, id);
    if (sent.status !== 200) throw new Error(`warm-up /case list for ${u.id}: ${sent.status ?? sent.error}`);
    if (sent.text) t.noteOdd(`a warm-up /case list was answered in its ack: ${sent.text.slice(0, 200)}`);
    else if ((await t.waitFor(() => t.responded.get(id), 20_000)) === undefined) throw new Error(`warm-up /case list for ${u.id}: no answer within 20 s`);
    await t.list(t.bare, u, `${id}-b`);
  });
  const firsts = CONTACTS.map((email) => USERS.find((u) => u.email === email)!);
  for (const u of firsts) {
    await t.openTemplate(u);
    await t.newCase(t.bare, u, `${t.token}-wn-${u.id}-b`);
  }
  for (const [k, u] of firsts.entries()) {
    const s = t.submissionBody(u, "sw", k);
    const r = await t.submit(t.carebot, s.body, s.key, s.token);
    await t.submit(t.bare, s.body, s.key, s.token);
    if (r.outcome !== "acked") throw new Error(`warm-up submission for ${u.id}: ${r.outcome} ${r.sent.status ?? r.sent.error} ${r.sent.text ?? ""}`);
  }
  const card = await t.waitFor(() => t.cards.get(`${t.token}-sw-0`), 20_000);
  if (!card) throw new Error("warm-up: the filed case's card was never posted");
  const thread = { channel: String(card.answer.channel), ts: String(card.answer.ts) };
  await sleep(300); // the card's thread is followed right after the post
  for (let i = 0; i < 3; i++) {
    await t.reply(t.carebot, THREAD_USER, thread, `${t.token}-rw-${i}`);
    await t.reply(t.bare, THREAD_USER, thread, `${t.token}-rw-${i}`);
  }
  await sleep(1500); // the delivery worker posts the warm-up cases to triage (their threads get the replies)
  return thread;
}

/** `/case list` or `/case new`, n of each at 4 concurrent; each worker waits for the visible answer before its next command. */
export async function commandPhase(t: ChatTraffic, command: "list" | "new", n: number, figures: Figures, notes: string[]): Promise<void> {
  const ack: number[] = [];
  const bareAck: number[] = [];
  const answer: number[] = [];
  let missing = 0;
  let inAck = 0;
  const send = (target: Target, u: SlackUser, id: string) => (command === "list" ? t.list(target, u, id) : t.newCase(target, u, id));
  await closedLoop(n, CONCURRENCY, 180_000, async (i) => {
    const u = USERS[i % USERS.length]!;
    const id = `${t.token}-${command === "list" ? "l" : "n"}-${i}`;
    let mine: Sent | undefined;
    const one = async () => {
      mine = await send(t.carebot, u, id);
      if (mine.status === 200 && mine.ms !== undefined) ack.push(mine.ms);
    };
    const other = async () => {
      const b = await send(t.bare, u, `${id}-b`);
      if (b.status === 200 && b.ms !== undefined) bareAck.push(b.ms);
    };
    if (i % 2) await other().then(one);
    else await one().then(other);
    if (mine?.text) {
      // Answered in the ack itself (a refusal or the help): no modal or response_url post follows.
      inAck += 1;
      t.noteOdd(`/case ${command} was answered in its ack: ${mine.text.slice(0, 200)}`);
      return;
    }
    const at = await t.waitFor(() => (command === "list" ? t.responded.get(id) : t.opened.get(id)?.at), 10_000);
    if (at === undefined || !mine) missing += 1;
    else answer.push(at - mine.sentAt);
  });
  putQuantiles(figures, `${command}.ack`, ack);
  putQuantiles(figures, `${command}.bare`, bareAck);
  putRatios(figures, command);
  putQuantiles(figures, `${command}.answer`, answer);
  figures[`${command}.late`] = answer.filter((ms) => ms > 3000).length + missing + inAck;
  if (ack.length < n) notes.push(`/case ${command}: ${n - ack.length} of ${n} commands not answered 200.`);
  if (missing) notes.push(`/case ${command}: ${missing} answers never arrived (waited 10 s each).`);
  if (inAck) notes.push(`/case ${command}: ${inAck} answered in the ack instead of the ${command === "list" ? "response_url" : "modal"}.`);
}

/** New-case submissions at a fixed rate (open loop), each from its own modal; then waits for their cards. */
export async function submitPhase(t: ChatTraffic, rate: number, seconds: number, figures: Figures, notes: string[]): Promise<void> {
  const tag = `s${rate}`;
  const results: SubmitResult[] = [];
  const bareResults: SubmitResult[] = [];
  const { lagMs } = await openLoop(rate, seconds, async (i) => {
    const s = t.submissionBody(USERS[i % USERS.length]!, tag, i);
    const one = () => t.submit(t.carebot, s.body, s.key, s.token).then((r) => void results.push(r));
    const other = () => t.submit(t.bare, s.body, s.key, s.token).then((r) => void bareResults.push(r));
    await Promise.all(i % 2 ? [other(), one()] : [one(), other()]);
  });
  if (lagMs > 50) notes.push(`${rate}/s: the bench fired up to ${lagMs.toFixed(0)} ms late (its own event loop was busy).`);
  // A case may be filed after Bolt's 404 too: wait for those cards as well.
  const expected = results.filter((r) => r.outcome === "acked" || r.outcome === "not-acked" || r.outcome === "failed").map((r) => r.token);
  await waitProgress(() => expected.filter((tok) => t.cards.has(tok)).length, expected.length, 3000, 60_000);
  await waitProgress(() => expected.filter((tok) => t.triage.has(tok)).length, expected.length, 3000, 30_000);
  const acked = results.filter((r) => r.outcome === "acked");
  const count = (o: SubmitResult["outcome"]) => results.filter((r) => r.outcome === o).length;
  putQuantiles(figures, `${tag}.ack`, results.flatMap((r) => (r.sent.ms === undefined ? [] : [r.sent.ms])));
  putQuantiles(figures, `${tag}.bare`, bareResults.flatMap((r) => (r.sent.ms === undefined ? [] : [r.sent.ms])));
  putRatios(figures, tag);
  figures[`${tag}.sent`] = results.length;
  figures[`${tag}.late`] = results.filter((r) => r.outcome === "not-acked" || r.outcome === "failed" || (r.sent.ms ?? Infinity) > 3000).length;
  figures[`${tag}.refused`] = count("refused") + count("rejected");
  putQuantiles(figures, `${tag}.card`, acked.flatMap((r) => (t.cards.has(r.token) ? [t.cards.get(r.token)!.at - r.sent.sentAt] : [])));
  putQuantiles(figures, `${tag}.triage`, acked.flatMap((r) => (t.triage.has(r.token) ? [t.triage.get(r.token)! - r.sent.sentAt] : [])));
  const noCard = acked.filter((r) => !t.cards.has(r.token)).length;
  if (noCard) notes.push(`${rate}/s: ${noCard} acknowledged submissions never got their card posted (waited until 3 s passed without a new one).`);
  const unanswered = results.filter((r) => r.outcome === "not-acked" || r.outcome === "failed");
  if (unanswered.length) {
    const filed = unanswered.filter((r) => t.cards.has(r.token)).length;
    notes.push(`${rate}/s: ${unanswered.length} submissions not acknowledged (Bolt's 404 after 3 s, or no answer); ${filed} of them still filed a case (its card was posted).`);
  }
  if (count("refused") || count("rejected")) notes.push(`${rate}/s: ${count("refused")} submissions refused with a notice, ${count("rejected")} rejected with field errors.`);
}

/** Replies in one followed thread (message events) at a fixed rate; then waits for them in the triage thread. */
export async function replyPhase(t: ChatTraffic, thread: Thread, rate: number, seconds: number, figures: Figures): Promise<void> {
  const ack: number[] = [];
  const bareAck: number[] = [];
  const sentAt = new Map<string, number>();
  await openLoop(rate, seconds, async (i) => {
    const tok = `${t.token}-r-${i}`;
    const one = async () => {
      const s = await t.reply(t.carebot, THREAD_USER, thread, tok);
      if (s.status === 200 && s.ms !== undefined) {
        ack.push(s.ms);
        sentAt.set(tok, s.sentAt);
      }
    };
    const other = async () => {
      const s = await t.reply(t.bare, THREAD_USER, thread, tok);
      if (s.status === 200 && s.ms !== undefined) bareAck.push(s.ms);
    };
    await Promise.all(i % 2 ? [other(), one()] : [one(), other()]);
  });
  await waitProgress(() => [...sentAt.keys()].filter((tok) => t.triage.has(tok)).length, sentAt.size, 3000, 30_000);
  putQuantiles(figures, "reply.ack", ack);
  putQuantiles(figures, "reply.bare", bareAck);
  putRatios(figures, "reply");
  putQuantiles(figures, "reply.shown", [...sentAt].flatMap(([tok, at]) => (t.triage.has(tok) ? [t.triage.get(tok)! - at] : [])));
  figures["reply.sent"] = sentAt.size;
}

/**
 * SQL round trips per request on PostgreSQL, counted by the relay between carebot and
 * the database: one request at a time, its window closed once the wire has been quiet
 * for 300 ms (so work done right after the ack, like posting the card, is included).
 */
export async function sqlPhase(t: ChatTraffic, counter: PgWireCounter, thread: Thread, figures: Figures): Promise<void> {
  const u = THREAD_USER;
  // Quiet for 300 ms after the answer came, too: work after the ack may not have started yet when the ack arrives.
  const settle = (since: number) => t.waitFor(() => (performance.now() - Math.max(counter.lastAt, since) >= 300 ? true : undefined), 5000);
  await settle(performance.now());
  const count = async (fn: () => Promise<unknown>) => {
    const before = counter.roundTrips;
    await fn();
    await settle(performance.now());
    return counter.roundTrips - before;
  };
  const perOp: Record<"list" | "new" | "submit" | "reply", number[]> = { list: [], new: [], submit: [], reply: [] };
  for (let i = 0; i < 5; i++) {
    const id = `${t.token}-ql-${i}`;
    perOp.list.push(
      await count(async () => {
        await t.list(t.carebot, u, id);
        await t.waitFor(() => t.responded.get(id), 10_000);
      }),
    );
    const trigger = `${t.token}-qn-${i}`;
    perOp.new.push(
      await count(async () => {
        await t.newCase(t.carebot, u, trigger);
        await t.waitFor(() => t.opened.get(trigger), 10_000);
      }),
    );
    const s = t.submissionBody(u, "sq", i);
    perOp.submit.push(
      await count(async () => {
        await t.submit(t.carebot, s.body, s.key, s.token);
        await t.waitFor(() => t.cards.get(s.token), 10_000);
      }),
    );
    perOp.reply.push(await count(() => t.reply(t.carebot, u, thread, `${t.token}-rq-${i}`)));
  }
  for (const [op, values] of Object.entries(perOp)) figures[`sql.${op}`] = median(values);
}
