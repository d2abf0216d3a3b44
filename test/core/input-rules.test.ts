import { describe, expect, it } from "vitest";
import { FIELD_PROBLEMS } from "../../src/core/errors.ts";
import { refusal, type CaseError } from "../support/refusal.ts";
import { as, filing, operator, useWorld } from "../support/world.ts";

/** Words zod uses in its own messages; none of them may reach a user. */
const ZOD_WORDING = /expected|received|Invalid input|Invalid option|Invalid (string|email|UUID|URL|number)|Too (big|small)|<=|>=|Unrecognized key/i;

/** Every message of a refusal: the one shown, and each field's. */
const messagesOf = (error: CaseError) => [error.message, ...Object.values(error.fieldErrors)];

const NUL = "\u0000";
const HALF_AN_EMOJI = "\uD83D"; // the first half of 😀 without its second
const UNSTORABLE = FIELD_PROBLEMS.unstorable;

describe("what a user types is refused in our words, never as something going wrong", () => {
  const s = useWorld();
  const ada = () => as(s.w.people.acmeUser.id);
  const eve = () => as(s.w.people.engineer.id);

  it("refuses a subject with a NUL character, naming the subject, and files nothing", async () => {
    const before = await s.t.db.prisma.case.count();
    const error = await refusal(s.t.core.cases.file(ada(), filing(s.w.accounts.acme.id, { subject: `Captions${NUL} missing` })));
    expect(error.code).toBe("VALIDATION");
    expect(error.field).toBe("subject");
    expect(error.message).toBe(`Subject: ${UNSTORABLE}`);
    expect(await s.t.db.prisma.case.count()).toBe(before);
  });

  it("refuses half an emoji anywhere in the input, however deep, and names each field at once", async () => {
    const error = await refusal(
      s.t.core.cases.file(
        ada(),
        filing(s.w.accounts.acme.id, {
          description: `Broken ${HALF_AN_EMOJI} here`,
          credentials: { username: `admin\uDE00`, password: "secret" },
          cc: ["ops@acme.test", `x${NUL}@acme.test`],
        }),
      ),
    );
    expect(error.code).toBe("VALIDATION");
    expect(error.fieldErrors).toEqual({
      description: `Description: ${UNSTORABLE}`,
      credentials: `Test login: ${UNSTORABLE}`,
      cc: `CC: ${UNSTORABLE}`,
    });
  });

  it("keeps whole emoji, accents and every script", async () => {
    const text = "Untertitel fehlen 😀 👩‍👩‍👧 e\u0301 漢字 العربية";
    const { case: c } = await s.t.core.cases.file(ada(), filing(s.w.accounts.acme.id, { subject: text }));
    expect(c.subject).toBe(text);
    const reply = await s.t.core.cases.comment(ada(), c.number, { body: text });
    expect(reply.case.comments.at(-1)?.body).toBe(text);
  });

  it("holds the same rule in replies, escalations, staff notes, search and the directory", async () => {
    const { case: c } = await s.t.core.cases.file(ada(), filing(s.w.accounts.acme.id));
    const refusals = await Promise.all([
      refusal(s.t.core.cases.comment(ada(), c.number, { body: `hello${NUL}` })),
      refusal(s.t.core.cases.escalate(ada(), c.number, { reason: "CASE_UPDATE_NEEDED", description: `soon ${HALF_AN_EMOJI}` })),
      refusal(s.t.core.cases.askCustomer(eve(), c.number, { body: `which${NUL}version?` })),
      refusal(s.t.core.search(ada(), { query: `acme${NUL}` })),
      refusal(s.t.core.directory.createContact(operator, { accountId: s.w.accounts.globex.id, name: `G${HALF_AN_EMOJI}`, email: "g9@globex.test" })),
      refusal(s.t.core.directory.resolveChatUser({ platform: "slack", tenantId: "T01", userId: `U${NUL}`, email: "ada@acme.test" })),
    ]);
    expect(refusals.map((e) => [e.code, e.message])).toEqual([
      ["VALIDATION", `Text: ${UNSTORABLE}`],
      ["VALIDATION", `Description: ${UNSTORABLE}`],
      ["VALIDATION", `Text: ${UNSTORABLE}`],
      ["VALIDATION", `Search: ${UNSTORABLE}`],
      ["VALIDATION", `Name: ${UNSTORABLE}`],
      ["VALIDATION", `User id: ${UNSTORABLE}`],
    ]);
    expect((await s.t.core.cases.get(ada(), c.number)).comments).toHaveLength(0);
  });

  it("answers case numbers beyond any case (above 2,147,483,647) as no such case, not as a failure", async () => {
    const { case: c } = await s.t.core.cases.file(ada(), filing(s.w.accounts.acme.id));
    const tooBig = ["2147483648", "9999999999", 2147483648, Number.MAX_SAFE_INTEGER, 1e300, -1, 0, 1.5];
    for (const ref of tooBig) {
      const error = await refusal(s.t.core.cases.get(ada(), ref));
      expect([ref, error.code, error.message]).toEqual([ref, "VALIDATION", "No case has that number."]);
    }
    for (const ref of ["12345678901", "abc", "10001; drop table"]) {
      expect((await refusal(s.t.core.cases.get(ada(), ref))).message).toBe("Enter a case number, e.g. 00010001.");
    }
    // The largest number a case could have is looked up, and simply not there.
    expect((await refusal(s.t.core.cases.get(ada(), "2147483647"))).code).toBe("NOT_FOUND");
    // The same rule wherever a case is named: a reply, a duplicate, a linked filing.
    expect((await refusal(s.t.core.cases.comment(ada(), "9999999999", { body: "hi" }))).message).toBe("No case has that number.");
    const dup = await refusal(s.t.core.cases.close(eve(), c.number, { reason: "DUPLICATE", duplicateOf: "9999999999" }));
    expect([dup.code, dup.fieldErrors]).toEqual(["VALIDATION", { duplicateOf: "No case has that number." }]);
    const linked = await refusal(s.t.core.cases.file(ada(), filing(s.w.accounts.acme.id, { linkedFromCase: "4294967296" })));
    expect(linked.fieldErrors).toEqual({ linkedFromCase: "No case has that number." });
  });

  it("searches a 10-digit phone number as text, and a case number as a case number", async () => {
    const { case: c } = await s.t.core.cases.file(ada(), filing(s.w.accounts.acme.id, { description: "Call me back on 4155550123 please." }));
    const byPhone = await s.t.core.search(ada(), { query: "4155550123" });
    expect(byPhone.cases.map((x) => x.number)).toEqual([c.number]);
    const byNumber = await s.t.core.search(ada(), { query: c.number });
    expect(byNumber.cases.map((x) => x.number)).toContain(c.number);
    expect((await s.t.core.search(ada(), { query: "99999999999999999999" })).cases).toEqual([]);
  });

  it("refuses oversized text in any field, even one whose schema sets no limit", async () => {
    const huge = "x".repeat(200_001);
    const knowledge = await refusal(s.t.core.knowledge.search(ada(), { query: "captions", product: huge }));
    expect([knowledge.code, knowledge.message]).toEqual(["VALIDATION", "Product: at most 100,000 characters."]);
    const name = await refusal(s.t.core.directory.createAccount(operator, { name: huge, type: "STANDARD", seatLimit: 1, csmName: "Robin Lee" }));
    expect(name.message).toBe("Keep the name to at most 200 characters.");
  });

  it("puts every refusal of a bad value in our words: no zod wording, no value echoed, no unexpected error", async () => {
    const { case: c } = await s.t.core.cases.file(ada(), filing(s.w.accounts.acme.id));
    const acme = s.w.accounts.acme.id;
    const bad: Record<string, () => Promise<unknown>> = {
      "file with nothing": () => s.t.core.cases.file(ada(), {} as never),
      "file with wrong types": () => s.t.core.cases.file(ada(), { ...filing(acme), subject: 42, description: ["x"], severity: "S9", cc: "not-an-email", exampleUrl: "ftp://x", pid: "12ab" } as never),
      "file with an unknown account id": () => s.t.core.cases.file(ada(), filing("not-a-uuid")),
      "file with too long a subject": () => s.t.core.cases.file(ada(), filing(acme, { subject: "s".repeat(300) })),
      "file with too many cc": () => s.t.core.cases.file(ada(), filing(acme, { cc: ["a@x.test", "b@x.test", "c@x.test", "d@x.test", "e@x.test", "f@x.test"] })),
      "list with a page beyond reason": () => s.t.core.cases.list(ada(), { view: "open", page: "1e300" }),
      "list with a page that is not a number": () => s.t.core.cases.list(ada(), { view: "open", page: "two" }),
      "list with page size 0": () => s.t.core.cases.list(ada(), { view: "open", pageSize: 0 }),
      "list an unknown view": () => s.t.core.cases.list(ada(), { view: "everything" }),
      "get a case by a huge number": () => s.t.core.cases.get(ada(), Number.MAX_SAFE_INTEGER * 4),
      "get a case by nonsense": () => s.t.core.cases.get(ada(), { number: 1 } as never),
      "reply with nothing": () => s.t.core.cases.comment(ada(), c.number, {} as never),
      "reply with a number": () => s.t.core.cases.comment(ada(), c.number, { body: 5 } as never),
      "escalate with no reason": () => s.t.core.cases.escalate(ada(), c.number, { description: "x" } as never),
      "close with a reason of our own": () => s.t.core.cases.close(eve(), c.number, { reason: "BORED" } as never),
      "assign to a non-id": () => s.t.core.cases.assign(eve(), c.number, { engineerId: "eve" }),
      "set priority to nonsense": () => s.t.core.cases.setPriority(eve(), c.number, { priority: "P0" }),
      "hand to a partner that is not an id": () => s.t.core.cases.handToPartner(eve(), c.number, { partnerId: "captionco" }),
      "search for one letter": () => s.t.core.search(ada(), { query: "a" }),
      "search with a huge limit": () => s.t.core.search(ada(), { query: "captions", limit: 1e9 }),
      "create an account with seats as words": () => s.t.core.directory.createAccount(operator, { name: "X", type: "STANDARD", seatLimit: "many" as never, csmName: "R" }),
      "create an account with fractional seats": () => s.t.core.directory.createAccount(operator, { name: "X", type: "STANDARD", seatLimit: 1.5, csmName: "R" }),
      "create a contact with a bad email": () => s.t.core.directory.createContact(operator, { accountId: acme, name: "X", email: "x" }),
      "deactivate a contact by a non-id": () => s.t.core.directory.setContactActive(operator, { personId: "ada", active: false }),
      "open an account by a non-id": () => s.t.core.directory.getAccount(ada(), "acme"),
      "open a contact by a non-id": () => s.t.core.directory.getContact(ada(), "ada"),
      "resolve a chat user with an unknown platform": () => s.t.core.directory.resolveChatUser({ platform: "irc", tenantId: "", userId: "x" } as never),
      "publish with no body": () => s.t.core.publications.publish(operator, { kind: "RCA", title: "T" } as never),
    };
    const seen: string[] = [];
    for (const [story, call] of Object.entries(bad)) {
      const error = await refusal(call());
      expect([story, error.code]).not.toEqual([story, "UNEXPECTED"]);
      for (const message of messagesOf(error)) {
        expect([story, message]).not.toEqual([story, expect.stringMatching(ZOD_WORDING)]);
        expect([story, message]).toEqual([story, expect.stringMatching(/^[A-Z].*[.)]$/s)]);
        expect(message).not.toMatch(/not-an-email|12ab|BORED|P0|captionco|1e300|36028797018963964/);
        seen.push(message);
      }
    }
    // Our own words for problems a schema names no sentence for are among them.
    expect(seen).toEqual(expect.arrayContaining(["Page: that number is out of range.", "Page: enter a number.", "Seats: enter a whole number.", "Limit: at most 25.", "Platform: choose one of the offered options."]));
  });

  it("answers articles and publications asked for by a malformed name as not found or a named field, never as a failure", async () => {
    const publication = await refusal(s.t.core.publications.read(ada(), "not-a-uuid"));
    expect(publication.code).toBe("NOT_FOUND");
    const article = await refusal(s.t.core.knowledge.get(ada(), `upload${NUL}`));
    expect(article.code).toBe("VALIDATION");
    expect(article.fieldErrors.slug).toContain(UNSTORABLE);
    const browse = await refusal(s.t.core.knowledge.browse(ada(), `captions${NUL}`));
    expect(browse.code).toBe("VALIDATION");
    for (const e of [publication, article, browse]) for (const m of messagesOf(e)) expect(m).not.toMatch(ZOD_WORDING);
  });
});
