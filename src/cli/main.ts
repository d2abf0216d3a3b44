import { readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { readArticles, SAMPLE_ARTICLES_DIR } from "../core/knowledge/article-files.ts";
import { coreFromConfig, openAppDatabase } from "../app.ts";
import { loadConfig, readEnvironment, type Config } from "../config.ts";
import { applyMigrations } from "../core/db/migrate.ts";
import { loadDemoData } from "../core/demo/demo-data.ts";
import { removeDemoData } from "../core/demo/demo-removal.ts";
import { systemClock } from "../core/clock.ts";
import type { PrismaClient } from "../core/db/connect.ts";
import { toCaseError } from "../core/errors.ts";
import type { Core, Ctx } from "../core/index.ts";
import { createLogger } from "../logger.ts";
import { setEnvValues } from "./env-file.ts";
import { caseDetail, casePage, table } from "./format.ts";
import { runSetup, type Ask } from "./setup.ts";
import { SERVICE_LEVEL_HELP, serviceLevelCommand, serviceLevelQueueCommand } from "./service-levels.ts";
import { WORKSPACES_HELP, workspacesCommand } from "./workspaces.ts";
import { STORAGE_HELP, storageCommand } from "./storage.ts";
import { EMAIL_HELP, emailCommand } from "./email.ts";
import { CHANNELS_HELP, channelsCommand } from "./channels.ts";

/**
 * The operator CLI: `npm run cli -- <command> [options]`. It talks to the same core
 * as the chat adapters, as the operator (full rights, audited with source "cli").
 */
const HELP = `carebot operator CLI

  setup                the guided first run: checks the configuration, links you as staff,
                       names the channels (written to .env), says what is left to do
    [--platform slack|teams --tenant T --user U --email E --name N --role manager|engineer]
    [--triage C --oncall C --management C] [--env-file F] [--yes: ask nothing]
  account create --name N --type standard|parent|sub [--parent ID] --seats N --csm NAME [--csm-email E] [--time-zone Z]
  account time-zone ID ZONE|none   the zone its customers' promises are told in when theirs is unknown
  account list
  account show ID
  contact create --account ID --name N --email E [--phone P]
  contact deactivate|activate --person ID
  staff create --name N --email E --role engineer|manager
  staff list
  partner create --name N [--channel slack:C123|teams:<id>]
  partner list
  partner-staff create --partner ID --name N --email E
  identity link --person ID --platform slack|teams --tenant T --user U
${WORKSPACES_HELP}
${CHANNELS_HELP}
  case list [--view open|closed|all] [--page N] [--page-size N]
  case show NUMBER
  outbox list [--status pending|failed|dead|delivered]
  outbox retry ID | outbox retry --dead
  knowledge import DIR   import Markdown articles (the full set: articles no longer there are retired)
  knowledge search words [--product KEY]
  publish update --title T --body-file F
  publish rca --title T --body-file F --severity S1
  sweep next           what the clock will do next (reminders, automatic closes, purges)
  sweep run            apply everything due now
${SERVICE_LEVEL_HELP}
${EMAIL_HELP}
  demo load            load the demo data into an empty database
  demo remove          remove the demo data for go-live (and set DEMO_DATA=off in .env)
${STORAGE_HELP}
  keys reseal          after a key rotation: seal every stored test login again under CREDENTIALS_KEY
  migrate              apply pending migrations and exit

Add --json to print results as JSON. The database is the server's (DATA_DIR or DATABASE_URL):
the CLI connects to the embedded PostgreSQL while the server runs, or starts it for the
command and stops it after. (With EMBEDDED_DATABASE=pglite, stop the server first.)`;

const options = {
  name: { type: "string" }, type: { type: "string" }, parent: { type: "string" }, seats: { type: "string" },
  csm: { type: "string" }, "csm-email": { type: "string" }, "time-zone": { type: "string" }, account: { type: "string" }, email: { type: "string" },
  phone: { type: "string" }, role: { type: "string" }, channel: { type: "string" }, partner: { type: "string" },
  person: { type: "string" }, platform: { type: "string" }, tenant: { type: "string" }, user: { type: "string" },
  view: { type: "string" }, page: { type: "string" }, "page-size": { type: "string" }, json: { type: "boolean" },
  status: { type: "string" }, dead: { type: "boolean" }, product: { type: "string" }, title: { type: "string" },
  "body-file": { type: "string" }, severity: { type: "string" }, hours: { type: "string" },
  triage: { type: "string" }, oncall: { type: "string" }, management: { type: "string" }, "env-file": { type: "string" }, yes: { type: "boolean" },
  team: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>["values"];

const operator: Ctx = { actor: { operator: true }, source: "cli" };

interface RunContext {
  config: Config;
  prisma: PrismaClient;
  envFile: string;
  ask?: Ask;
}

async function run(core: Core, [group, verb, arg, ...more]: string[], v: Values, hasAccounts: () => Promise<boolean>, c: RunContext): Promise<unknown> {
  const rest = [arg, ...more].filter((x): x is string => x !== undefined);
  const d = core.directory;
  switch (`${group} ${verb ?? ""}`.trim()) {
    case "account create":
      return d.createAccount(operator, {
        name: v.name!, type: v.type?.toUpperCase() as "STANDARD", parentId: v.parent, seatLimit: Number(v.seats), csmName: v.csm!, csmEmail: v["csm-email"], timeZone: v["time-zone"],
      });
    case "account time-zone": {
      const zone = more[0];
      const account = await d.setAccountTimeZone(operator, arg ?? "", { timeZone: zone === "none" ? null : (zone ?? "") });
      return { account, text: `${account.name}: promises told in ${account.timeZone ?? "the vendor's business-hours zone"} when the reader's own zone is unknown.` };
    }
    case "account list": {
      const accounts = await d.listAccounts(operator);
      return { accounts, text: table(accounts, ["id", "type", "seatLimit", "csmName", "name"]) };
    }
    case "account show": {
      const account = await d.getAccount(operator, arg ?? "");
      return { account, text: `${account.name} (${account.type}), seats ${account.seatsUsed}/${account.seatLimit}, CSM ${account.csmName}\n${table(account.contacts, ["id", "name", "email", "active"])}` };
    }
    case "contact create":
      return d.createContact(operator, { accountId: v.account!, name: v.name!, email: v.email!, phone: v.phone });
    case "contact deactivate":
    case "contact activate":
      return d.setContactActive(operator, { personId: v.person!, active: verb === "activate" });
    case "staff create":
      return d.createStaff(operator, { name: v.name!, email: v.email!, role: v.role?.toUpperCase() as "ENGINEER" });
    case "staff list": {
      const staff = await d.listStaff(operator);
      return { staff, text: table(staff, ["id", "kind", "name", "email"]) };
    }
    case "partner create":
      return d.createPartner(operator, { name: v.name!, supportChannel: v.channel });
    case "partner list": {
      const partners = await d.listPartners(operator);
      return { partners, text: table(partners, ["id", "name", "supportChannel"]) };
    }
    case "partner-staff create":
      return d.createPartnerStaff(operator, { partnerId: v.partner!, name: v.name!, email: v.email! });
    case "workspaces link":
    case "workspaces unlink":
    case "workspaces list":
    case "workspaces installations":
      return workspacesCommand(core, operator, verb, v);
    case "channels bind":
    case "channels unbind":
    case "channels list":
      return channelsCommand(core, operator, verb, rest, v);
    case "identity link":
      return d.linkIdentity(operator, { personId: v.person!, platform: v.platform as "slack", tenantId: v.tenant!, userId: v.user! });
    case "case list": {
      const view = v.view === "all" ? "mine" : (v.view ?? "open");
      const page = await core.cases.list(operator, { view: view === "open" ? "account" : view, page: v.page ?? 1, pageSize: v["page-size"] ?? 20 });
      return { ...page, text: casePage(page) };
    }
    case "case show": {
      const c = await core.cases.get(operator, arg ?? "");
      return { case: c, text: caseDetail(c) };
    }
    case "outbox list": {
      const status = (v.status ?? "pending") as "pending";
      if (!["pending", "failed", "dead", "delivered"].includes(status)) return { text: "--status is one of pending, failed, dead, delivered", unknown: true };
      const { total, rows } = await core.outbox.list(status);
      const shown = rows.map((r) => ({ id: r.id, event: r.event, case: (r.payload as { number?: string }).number ?? "", attempts: r.attempts, next: r.availableAt.toISOString(), error: r.lastError ?? "" }));
      return { total, rows, text: `${table(shown, ["id", "event", "case", "attempts", "next", "error"])}\n${total} ${status}` };
    }
    case "outbox retry": {
      const count = await core.outbox.retry({ id: arg, dead: v.dead });
      const text = !arg && !v.dead ? "Nothing to retry: give an id, or --dead." : `${count} notification(s) put back in line.`;
      return { count, text };
    }
    case "knowledge import": {
      const result = await core.knowledge.import(operator, readArticles(arg ?? SAMPLE_ARTICLES_DIR));
      return { ...result, text: `${result.articles} articles: ${result.created} new, ${result.updated} updated, ${result.retired} retired.` };
    }
    case "knowledge search": {
      const words = rest.join(" ");
      const hits = await core.knowledge.search(operator, { query: words, product: v.product });
      return { hits, text: table(hits.map((h) => ({ slug: h.slug, product: h.product, title: h.title })), ["slug", "product", "title"]) };
    }
    case "publish update":
    case "publish rca": {
      const body = v["body-file"] ? readFileSync(v["body-file"], "utf8") : "";
      const result = await core.publications.publish(operator, { kind: verb === "rca" ? "RCA" : "PRODUCT_UPDATE", title: v.title ?? "", body, severity: v.severity as "S1" | undefined });
      return { ...result, text: `Published ${result.id}.` };
    }
    case "sweep next": {
      const next = await core.cases.upcomingActions(20);
      return { next, text: table(next.map((a) => ({ case: a.number, action: a.action, due: a.dueAt.toISOString() })), ["case", "action", "due"]) };
    }
    case "sweep run": {
      const result = await core.cases.sweep();
      return { ...result, text: `Applied: ${result.actions.REMIND} reminders, ${result.actions.AUTO_CLOSE} automatic closes, ${result.actions.PURGE_CREDENTIALS} credential purges.` };
    }
    case "sla report":
      return serviceLevelCommand(core, operator, rest, v);
    case "sla queue":
      return serviceLevelQueueCommand(core, operator, v);
    case "email preference":
    case "email held":
      return emailCommand(core, operator, [verb!, ...rest], v);
    case "storage sweep":
      return storageCommand(core, c.prisma, verb, v, systemClock.now());
    case "keys reseal": {
      const r = await core.credentials.reseal(operator);
      const unreadable = r.unreadable.length ? ` No configured key opens the login of case ${r.unreadable.join(", ")} (left as it is: add its key to CREDENTIALS_KEY_PREVIOUS and run this again).` : "";
      const installs = r.unreadableInstallations.length ? ` No configured key opens the Slack installation ${r.unreadableInstallations.join(", ")} (left as it is).` : "";
      return { ...r, text: `Re-sealed ${r.resealed} stored test logins and ${r.installationsResealed} Slack installations under key ${r.keyId}.${unreadable}${installs}` };
    }
    case "setup": {
      const answers = { platform: v.platform, tenant: v.tenant, user: v.user, name: v.name, email: v.email, role: v.role, triage: v.triage, oncall: v.oncall, management: v.management };
      return runSetup({ config: c.config, core, prisma: c.prisma, answers, envFile: c.envFile, ask: c.ask });
    }
    case "demo remove": {
      const removed = await removeDemoData(c.prisma, systemClock, operator);
      // Or the next start of an empty embedded database would load the demo again.
      setEnvValues(c.envFile, { DEMO_DATA: "off" });
      const kept = removed.kept.length ? `\nKept (a real case names them), now inactive: ${removed.kept.map((k) => `${k.name} <${k.email}>`).join(", ")}` : "";
      return {
        ...removed,
        text: `Demo data removed: ${removed.accounts} accounts, ${removed.cases} cases, ${removed.people} people, ${removed.partners} partner, ${removed.publications} publications. DEMO_DATA=off written to ${c.envFile}.${kept}\nThe sample knowledge articles stay until you import yours: npm run cli -- knowledge import DIR.`,
      };
    }
    case "demo load": {
      const loaded = await loadDemoData(core, hasAccounts);
      return { loaded, text: loaded ? "Demo data loaded." : "The database already holds accounts; demo data not loaded." };
    }
    default:
      return { text: HELP, unknown: group !== undefined };
  }
}

async function main(): Promise<number> {
  const parsed = parseArgs({ options, allowPositionals: true, strict: true });
  const [group] = parsed.positionals;
  if (!group || parsed.values.help) {
    console.log(HELP);
    return 0;
  }
  const env = readEnvironment(process.env);
  const config = loadConfig(env);
  const logger = createLogger({ level: "warn", destination: process.stderr as never });
  const db = await openAppDatabase(config, logger);
  try {
    const applied = await applyMigrations(db.migrationTarget);
    if (group === "migrate") {
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database schema up to date.");
      return 0;
    }
    const core = coreFromConfig(config, db, logger);
    const interactive = group === "setup" && !parsed.values.yes && process.stdin.isTTY;
    const prompt = interactive ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
    const envFile = parsed.values["env-file"] ?? (env.ENV_FILE || ".env");
    const result = (await run(core, parsed.positionals, parsed.values, async () => (await db.prisma.account.count()) > 0, {
      config,
      prisma: db.prisma,
      envFile,
      ask: prompt && ((question) => prompt.question(question)),
    }).finally(() => prompt?.close())) as { text?: string; unknown?: boolean };
    if (parsed.values.json) {
      const { text: _text, ...rest } = result;
      console.log(JSON.stringify(rest, null, 2));
    } else {
      console.log(result.text ?? JSON.stringify(result, null, 2));
    }
    return result.unknown ? 64 : 0;
  } finally {
    await db.close();
  }
}

/** Input fields named as the CLI's flags, so an error points at what to retype. */
const FLAG_OF: Record<string, string> = {
  seatLimit: "seats", csmName: "csm", csmEmail: "csm-email", parentId: "parent", accountId: "account", personId: "person",
  partnerId: "partner", supportChannel: "channel", tenantId: "tenant", userId: "user", role: "role", type: "type",
  triage: "triage", oncall: "oncall", management: "management", platform: "platform",
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const failure = toCaseError(error);
    const fields = Object.entries(failure.fieldErrors).map(([field, message]) => `  --${FLAG_OF[field] ?? field}: ${message}`);
    console.error(failure.code === "UNEXPECTED" ? `Error: ${failure.message}\n${String((error as Error)?.stack ?? error)}` : `Error: ${failure.message}${fields.length ? "\n" + fields.join("\n") : ""}`);
    process.exit(failure.code === "VALIDATION" ? 65 : 1);
  },
);
