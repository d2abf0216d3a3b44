import type { Catalog } from "../core/catalog.ts";
import { severityMismatch } from "../core/cases/severity-guide.ts";
import { CASE_TYPE_LABEL } from "./labels.ts";
import type { Block, CardOption, FormCard, InputModel } from "./model.ts";

/**
 * The new-case form in the spec's sections. Values and errors come back in, so a
 * form that failed validation returns with everything the user entered (except the
 * test password, which is never sent back to a client).
 *
 * Feature options carry "product/feature" as their value: when no product is chosen
 * yet the list shows every product's features grouped, and the product follows from
 * the feature; once a product is chosen (Slack refreshes the form on change) only its
 * features are offered.
 */
export interface NewCaseFormInput {
  catalog: Catalog;
  accounts: { id: string; name: string }[];
  contacts: { id: string; name: string }[];
  /** Form state the submission returns: the idempotency key, a linked case. */
  state: Record<string, string>;
  values?: Partial<Record<NewCaseField, string>>;
  /** Field errors from the core, by its field names. */
  errors?: Record<string, string>;
  /** Knowledge suggestions for the subject typed so far (shown above the form). */
  suggestions?: { slug: string; title: string }[];
}

export const NEW_CASE_FIELDS = [
  "accountId", "caseType", "severity", "subject", "description", "product", "feature", "pid", "exampleUrl",
  "stepsToReproduce", "files", "credentialsUsername", "credentialsPassword", "contactId", "phone", "cc",
] as const;
export type NewCaseField = (typeof NEW_CASE_FIELDS)[number];

export const DESCRIPTION_PROMPTS =
  "Include: error messages (copy and paste), entry or player IDs, versions (player, LTI or KAF), when it began and whether it ever worked, recent changes (browser, player, firewall), steps that lead to the error, how many users and what scope (one player or all), the result you are after, deadlines, and logs.";

/** Core field names (e.g. "credentials") to the form's inputs. */
const FIELD_OF_ERROR: Record<string, NewCaseField> = { credentials: "credentialsUsername" };

export function featureValue(product: string, feature: string): string {
  return `${product}/${feature}`;
}

export function buildNewCaseForm(input: NewCaseFormInput): FormCard {
  const { catalog } = input;
  const v = input.values ?? {};
  const errorOf = (field: NewCaseField) =>
    Object.entries(input.errors ?? {}).find(([f]) => (FIELD_OF_ERROR[f] ?? f) === field)?.[1];
  const field = (id: NewCaseField, rest: Omit<InputModel, "id" | "value" | "error">): Block => ({
    type: "input",
    input: { id, ...rest, value: v[id], error: errorOf(id) },
  });

  const product = catalog.products.find((p) => p.key === v.product);
  const featureInput: Omit<InputModel, "id" | "value" | "error"> = product
    ? { label: "Feature", kind: "select", required: true, options: product.features.map((f) => ({ value: featureValue(product.key, f.key), label: f.name })) }
    : {
        label: "Feature",
        kind: "select",
        required: true,
        hint: "Choose a product first to narrow this list, or pick the feature directly.",
        optionGroups: catalog.products.map((p) => ({ label: p.name, options: p.features.map((f) => ({ value: featureValue(p.key, f.key), label: f.name })) })),
      };
  const severityOptions: CardOption[] = (["S1", "S2", "S3", "S4"] as const).map((s) => ({
    value: s,
    label: `${s} ${catalog.severities[s].name}`,
    description: catalog.severities[s].summary,
  }));
  const mismatch = severityMismatch(v.caseType, v.severity);

  const blocks: Block[] = [];
  if (input.suggestions?.length) {
    blocks.push({ type: "context", text: "These articles may answer your question before you file:" });
    for (const s of input.suggestions.slice(0, 3)) {
      blocks.push({ type: "item", title: s.title, action: { id: "knowledge.open", label: "Read", value: s.slug }, optional: true });
    }
  }
  blocks.push(
    { type: "heading", text: "Case information" },
    field("accountId", { label: "Account", kind: "select", required: true, options: input.accounts.map((a) => ({ value: a.id, label: a.name })) }),
    field("caseType", { label: "Case type", kind: "radio", required: true, options: Object.entries(CASE_TYPE_LABEL).map(([value, label]) => ({ value, label })) }),
    field("severity", { label: "Severity", kind: "radio", required: true, options: severityOptions, hint: `What decides it: ${catalog.severityFacts.join("; ")}.` }),
    { type: "actions", actions: [{ id: "severity.guide", label: "Help me choose a severity", value: "guide" }] },
    ...(mismatch ? [{ type: "text" as const, text: mismatch, tone: "warning" as const }] : []),
    field("subject", { label: "Subject", kind: "text", required: true, refreshOnChange: true, maxLength: 255, placeholder: "One short sentence: it titles every update", hint: "It becomes the title of every notification about this case." }),
    { type: "actions", actions: [{ id: "knowledge.suggest", label: "Check for answers", value: "subject" }] },
    field("description", { label: "Description", kind: "textarea", required: true, maxLength: 3000, hint: DESCRIPTION_PROMPTS }),
    field("product", { label: "Product", kind: "select", required: false, refreshOnChange: true, options: catalog.products.map((p) => ({ value: p.key, label: p.name })) }),
    field("feature", featureInput),
    { type: "heading", text: "Steps to reproduce" },
    field("pid", { label: "Partner ID (PID)", kind: "text", required: false, maxLength: 12, hint: "Your account number where the issue shows. Several? List them in the description." }),
    field("exampleUrl", { label: "Example link", kind: "text", required: false, maxLength: 2000, placeholder: "https://…", hint: "A page where the behaviour shows." }),
    field("stepsToReproduce", { label: "Steps to reproduce", kind: "textarea", required: false, maxLength: 3000 }),
    field("files", { label: "Files", kind: "file", required: false, maxFiles: 10, hint: "Logs, screenshots or recordings. More can follow in the case's thread." }),
    field("credentialsUsername", { label: "Test login: username", kind: "text", required: false, maxLength: 200, hint: "Optional: a test account staff may use to reproduce the issue. Kept encrypted, shown only to support staff, deleted after the case closes." }),
    field("credentialsPassword", {
      label: "Test login: password",
      kind: "secret",
      required: false,
      maxLength: 200,
      hint: v.credentialsUsername ? "For your safety the password is not shown again: please re-enter it." : undefined,
    }),
    { type: "heading", text: "Contact information" },
    field("contactId", { label: "Contact", kind: "select", required: true, options: input.contacts.map((c) => ({ value: c.id, label: c.name })), hint: "Defaults to you; choose someone else of the account to file on their behalf." }),
    field("phone", { label: "Phone number", kind: "text", required: false, maxLength: 40 }),
    { type: "heading", text: "Additional contacts" },
    field("cc", { label: "CC email addresses", kind: "textarea", required: false, maxLength: 1300, placeholder: "up to 5, separated by commas", hint: "They are copied on every update of the case." }),
  );
  return { surface: "form", callbackId: "case.new", title: "New support case", submitLabel: "File case", state: input.state, blocks };
}
