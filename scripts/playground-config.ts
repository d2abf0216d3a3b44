import { DEMO_PEOPLE } from "../src/core/demo/demo-data.ts";

/**
 * Who Microsoft's Agents Playground signs in as, and the other people it lists. The
 * playground has one user at a time (its `currentUser`) and exactly five others; carebot
 * matches a first-time Teams user by the email the roster reports, so signing in as a
 * demo person's email makes the playground user that demo person.
 * @link https://aka.ms/teams-app-test-tool-config-guide
 */
export const PLAYGROUND_ROLES = ["customer", "engineer", "manager"] as const;
export type PlaygroundRole = (typeof PLAYGROUND_ROLES)[number];

interface PlaygroundPerson {
  name: string;
  email: string;
  /** What the person is in the demo data, for the start-up banner. */
  is: string;
}

/** The demo people (src/core/demo/demo-data.ts), with the names the demo data gives them. */
const PEOPLE = {
  customer: { name: "Ada Lovelace", email: DEMO_PEOPLE.standardUser, is: "a customer contact of Acme Media" },
  engineer: { name: "Eve Martinez", email: DEMO_PEOPLE.engineer, is: "a support engineer" },
  manager: { name: "Max Brenner", email: DEMO_PEOPLE.manager, is: "a support manager" },
  parentUser: { name: "Dana Whitfield", email: DEMO_PEOPLE.parentUser, is: "a contact of Northwind University" },
  subUser: { name: "Sam Okafor", email: DEMO_PEOPLE.subUser, is: "a contact of Northwind Physics" },
  siblingUser: { name: "Hana Sato", email: DEMO_PEOPLE.siblingUser, is: "a contact of Northwind History" },
} satisfies Record<string, PlaygroundPerson>;

/** A fixed tenant: the same playground user is the same Teams identity on every start. */
export const PLAYGROUND_TENANT = "00000000-0000-4000-8000-00000000ca4e";

export function playgroundUser(role: PlaygroundRole): PlaygroundPerson {
  return PEOPLE[role];
}

/** A stable AAD object id per person (carebot keys a Teams user by it). */
function aadObjectId(index: number): string {
  return `00000000-0000-4000-8000-${String(100 + index).padStart(12, "0")}`;
}

/** The AAD object id the playground signs `role` in with (what `identity link --user` takes). */
export function playgroundAadObjectId(role: PlaygroundRole): string {
  return aadObjectId((Object.values(PEOPLE) as PlaygroundPerson[]).indexOf(PEOPLE[role]));
}

/** The playground's configuration file (.m365agentsplayground.yml) signed in as `role`. */
export function playgroundConfigYaml(role: PlaygroundRole): string {
  const all: PlaygroundPerson[] = Object.values(PEOPLE);
  const me = PEOPLE[role];
  const others = all.filter((p) => p !== me).slice(0, 5); // the playground wants exactly five
  // JSON strings are valid YAML scalars, so every value is quoted safely.
  const q = JSON.stringify;
  const user = (p: PlaygroundPerson, indent: string) => {
    const index = all.indexOf(p);
    const [givenName, ...rest] = p.name.split(" ");
    return [
      `id: ${q(`user-${index}`)}`,
      `name: ${q(p.name)}`,
      `userPrincipleName: ${q(p.email)}`, // sic: the playground's own spelling
      `aadObjectId: ${q(aadObjectId(index))}`,
      `givenName: ${q(givenName)}`,
      `surname: ${q(rest.join(" "))}`,
      `email: ${q(p.email)}`,
    ].join(`\n${indent}`);
  };
  return [
    `version: "0.1.1"`,
    `tenantId: ${q(PLAYGROUND_TENANT)}`,
    `bot:`,
    `  id: "00000000-0000-4000-8000-0000000000b0"`,
    `  name: "carebot"`,
    `currentUser:`,
    `  ${user(me, "  ")}`,
    `users:`,
    ...others.map((p) => `  - ${user(p, "    ")}`),
    `personalChat:`,
    `  id: "__PERSONAL_CHAT_ID__"`,
    `groupChat:`,
    `  id: "__GROUP_CHAT_ID__"`,
    `  name: "Support group chat"`,
    `team:`,
    `  id: "team-id"`,
    `  name: "Northwind IT"`,
    `  aadGroupId: "00000000-0000-4000-8000-0000000000a0"`,
    `  channels:`,
    `    - id: "channel-support-id"`,
    `      name: "Support"`,
    ``,
  ].join("\n");
}
