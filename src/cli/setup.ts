import { slackEnabled, teamsEnabled, type Config } from "../config.ts";
import { IN_MEMORY, type PrismaClient } from "../core/db/connect.ts";
import { CaseError } from "../core/errors.ts";
import type { Core, Ctx } from "../core/index.ts";
import { setEnvValues } from "./env-file.ts";

/**
 * `npm run cli -- setup`: the guided first run. It checks the configuration, links the
 * person running it as staff for their Slack or Teams identity (as `identity link`
 * does), writes the triage, on-call and management channels to the `.env` file the
 * server reads, and says what is left to do. Every answer can be given as a flag, so it
 * also runs without questions (`--yes`), in scripts and tests.
 *
 * Why the channels go to `.env` and not the database: they are settings of
 * src/config.ts (SLACK_TRIAGE_CHANNEL, TEAMS_ONCALL_CHANNEL, …) read once at start-up
 * like the credentials beside them, so one file (or a deployment's environment, which
 * wins over it) holds the whole configuration, reviewable and documented in
 * docs/configuration.md, with no second source to drift from it. The price: the server
 * reads them when it starts, so setup says to restart it.
 */
export interface SetupAnswers {
  platform?: string;
  tenant?: string;
  user?: string;
  name?: string;
  email?: string;
  role?: string;
  triage?: string;
  oncall?: string;
  management?: string;
}

export type Ask = (question: string) => Promise<string>;

const operator: Ctx = { actor: { operator: true }, source: "cli" };
const CHANNEL_ROLES = [
  ["triage", "TRIAGE", "where new cases arrive as triage cards"],
  ["oncall", "ONCALL", "where escalations reach the on-call engineers"],
  ["management", "MANAGEMENT", "where Requesting Management Attention escalations go"],
] as const;

/** What a channel id looks like on each platform, so a channel's name is caught before the server is restarted for nothing. */
const CHANNEL_FORMAT = {
  slack: { pattern: /^[CG][A-Z0-9]{6,}$/, hint: "a Slack channel ID such as C0123456789 (channel details › About, at the bottom), not its #name" },
  teams: { pattern: /^19:[^\s;]+@thread\.[a-z0-9]+$/, hint: "a Teams channel's conversation id such as 19:abc…@thread.tacv2 (the channel's ⋯ › Get link to channel: the part after /channel/, URL-decoded)" },
} as const;

export async function runSetup(options: { config: Config; core: Core; prisma: PrismaClient; answers: SetupAnswers; envFile: string; ask?: Ask }): Promise<{ text: string; ok: boolean; linked?: { personId: string }; written: string[]; left: string[] }> {
  const { config, core, prisma, envFile } = options;
  const a = { ...options.answers };
  const ask = async (key: keyof SetupAnswers, question: string) => {
    if (a[key] === undefined && options.ask) a[key] = (await options.ask(question)).trim() || undefined;
    return a[key];
  };
  const out: string[] = ["carebot setup", ""];
  const left: string[] = [];

  // 1. The configuration as the server will read it.
  out.push(`1. Configuration (the environment over ${envFile})`);
  out.push(`   database: ${config.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : config.DATA_DIR.startsWith(IN_MEMORY) ? "in memory (forgotten on exit)" : `embedded ${config.EMBEDDED_DATABASE === "pglite" ? "PGlite" : "PostgreSQL"} in ${config.DATA_DIR}`}`);
  out.push(`   Slack: ${slackEnabled(config) ? `on${config.SLACK_APP_TOKEN ? " (Socket Mode)" : " (HTTP, /slack/events)"}` : "off"}`);
  out.push(`   Teams: ${config.TEAMS_APP_ID ? "on (/api/messages)" : config.TEAMS_LOCAL ? "local mode (this machine only)" : "off"}`);
  out.push(`   email to CC addresses: ${config.SMTP_URL ? "on" : "off"}`);
  out.push(`   credentials key: ${config.CREDENTIALS_KEY ? "CREDENTIALS_KEY" : `generated in ${config.DATA_DIR} (development only)`}`);
  if (!slackEnabled(config) && !teamsEnabled(config)) left.push("Connect Slack (docs/slack.md) or Teams (docs/teams.md): their credentials go in .env; then run setup again.");
  if (!config.CREDENTIALS_KEY) left.push("Before production, set CREDENTIALS_KEY (openssl rand -base64 32) in .env; production refuses to start without it.");
  if (!config.SMTP_URL) left.push("Optional: SMTP_URL, so CC addresses get case updates by email.");

  // 2. The person running setup, as staff, linked to their chat identity.
  const platform = await ask("platform", "Your chat platform (slack or teams): ");
  if (platform !== undefined && platform !== "slack" && platform !== "teams") {
    throw new CaseError("VALIDATION", { field: "platform", message: "Choose slack or teams." });
  }
  out.push("", "2. You, as support staff");
  let linked: { personId: string } | undefined;
  if (platform) {
    const idHelp = platform === "slack" ? "Slack workspace ID (T…, in the workspace's URL or About this workspace)" : "Teams tenant ID (Microsoft Entra admin center › Overview)";
    const userHelp = platform === "slack" ? "your Slack member ID (U…, your profile › ⋯ › Copy member ID)" : "your Microsoft Entra object ID (Entra admin center › Users › you)";
    await ask("tenant", `Your ${idHelp}: `);
    await ask("user", `${userHelp[0]!.toUpperCase()}${userHelp.slice(1)}: `);
    await ask("email", "Your work email: ");
    if (a.tenant && a.user && a.email) {
      const existing = (await core.directory.listStaff(operator)).find((s) => s.email.toLowerCase() === a.email!.toLowerCase());
      let personId = existing?.id;
      if (!personId) {
        await ask("name", "Your name: ");
        const role = (a.role ?? "manager").toUpperCase();
        if (role !== "ENGINEER" && role !== "MANAGER") throw new CaseError("VALIDATION", { field: "role", message: "Choose engineer or manager." });
        const created = await core.directory.createStaff(operator, { name: a.name ?? "", email: a.email, role });
        personId = created.id;
        out.push(`   created ${a.name} (${a.email}) as ${role.toLowerCase()}`);
      } else {
        out.push(`   found ${existing!.name} (${existing!.email})`);
      }
      await core.directory.linkIdentity(operator, { personId, platform, tenantId: a.tenant, userId: a.user });
      linked = { personId };
      out.push(`   linked to ${platform} ${a.tenant} / ${a.user}: carebot knows you as staff there (the same as identity link --person ${personId} --platform ${platform} --tenant ${a.tenant} --user ${a.user})`);
    }
  }
  if (!linked) {
    out.push("   not linked yet");
    left.push("Link yourself as staff: npm run cli -- setup --platform slack|teams --tenant T --user U --email E --name N (or staff create, then identity link).");
  }

  // 3. The channels, written to the .env file.
  const channelPlatform = platform ?? (slackEnabled(config) ? "slack" : teamsEnabled(config) ? "teams" : undefined);
  out.push("", `3. Channels (written to ${envFile})`);
  const written: Record<string, string> = {};
  if (channelPlatform === "slack" || channelPlatform === "teams") {
    for (const [key, suffix, what] of CHANNEL_ROLES) {
      const name = `${channelPlatform.toUpperCase()}_${suffix}_CHANNEL`;
      const value = await ask(key, `The ${channelPlatform === "slack" ? "Slack" : "Teams"} channel ${what} (blank to skip): `);
      if (value === undefined) {
        const current = config[name as keyof Config];
        out.push(`   ${name}: ${current ? `${String(current)} (unchanged)` : "not set"}`);
        if (!current) left.push(`Name the ${key} channel: npm run cli -- setup --platform ${channelPlatform} --${key} <id> (${what}).`);
        continue;
      }
      const format = CHANNEL_FORMAT[channelPlatform];
      if (!format.pattern.test(value)) throw new CaseError("VALIDATION", { field: key, message: `Give ${format.hint}.` });
      written[name] = value;
    }
    const { changed } = Object.keys(written).length ? setEnvValues(envFile, written) : { changed: [] };
    for (const [name, value] of Object.entries(written)) out.push(`   ${name}=${value}${changed.includes(name) ? "" : " (already so)"}`);
    if (changed.length > 0) {
      left.push("Restart carebot (npm start) so it reads the new channels.");
      left.push(channelPlatform === "slack" ? "Invite the bot to each channel: /invite @carebot in the channel." : "Add the app to the team of each channel, and mention @carebot there once so it knows the channel.");
    }
  } else {
    out.push("   no chat platform yet: give --platform slack or teams");
  }

  // 4. The data: demo or real.
  const demo = await prisma.account.count({ where: { demo: true } });
  const real = await prisma.account.count({ where: { demo: false } });
  if (demo > 0) left.push("Remove the demo data before go-live: npm run cli -- demo remove.");
  if (real === 0) left.push("Add your customers: npm run cli -- account create …, then contact create … for each person (their chat accounts are matched by email).");

  out.push("", left.length ? "What is left to do:" : "Nothing left to do: carebot is set up.");
  for (const item of left) out.push(`  - ${item}`);
  return { text: out.join("\n"), ok: true, linked, written: Object.keys(written), left };
}
