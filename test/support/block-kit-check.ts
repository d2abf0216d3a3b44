/**
 * Checks a Block Kit payload against Slack's documented limits (no schema package
 * exists and blocks.validate is online only). Each rule names its source:
 *  - blocks per message 50, per modal or Home tab 100 .......... https://docs.slack.dev/reference/block-kit/blocks
 *  - section text 3000; fields at most 10, each 2000 ............ https://docs.slack.dev/reference/block-kit/blocks/section-block
 *  - header plain_text 150 ...................................... https://docs.slack.dev/reference/block-kit/blocks/header-block
 *  - context at most 10 elements ................................ https://docs.slack.dev/reference/block-kit/blocks/context-block
 *  - actions at most 25 elements; action_id unique in a block ... https://docs.slack.dev/reference/block-kit/blocks/actions-block
 *  - block_id / action_id / callback_id at most 255 ............. https://docs.slack.dev/reference/block-kit/blocks/section-block
 *  - button text 75, value 2000, url 3000 ....................... https://docs.slack.dev/reference/block-kit/block-elements/button-element
 *  - input label 2000, hint 2000 ................................ https://docs.slack.dev/reference/block-kit/blocks/input-block
 *  - plain_text_input max_length 1..3000, initial_value ≤ max ... https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element
 *  - placeholder 150 ............................................ https://docs.slack.dev/reference/block-kit/composition-objects/text-object
 *  - select options 100, option groups 100, option text/value 75  https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element
 *  - radio buttons at most 10 options ........................... https://docs.slack.dev/reference/block-kit/block-elements/radio-button-group-element
 *  - modal title/submit/close 24, private_metadata 3000 ......... https://docs.slack.dev/reference/views/modal-views
 *  - block_id unique within a message or view ................... https://docs.slack.dev/reference/block-kit/blocks
 *  - a text object is never empty ............................... https://docs.slack.dev/reference/block-kit/composition-objects/text-object
 */
type Json = Record<string, unknown>;

export function blockKitProblems(payload: Json, surface: "message" | "modal" | "home"): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const text = (t: unknown, max: number, where: string) => {
    const o = t as { type?: string; text?: string } | undefined;
    if (!o) return;
    check(typeof o.text === "string" && o.text.length > 0, `${where}: empty text`);
    check((o.text ?? "").length <= max, `${where}: text ${o.text?.length} > ${max}`);
  };
  const option = (o: Json, where: string) => {
    text(o.text, 75, `${where} option text`);
    check(String(o.value ?? "").length <= 75, `${where}: option value > 75`);
    if (o.description) text(o.description, 75, `${where} option description`);
  };
  const element = (e: Json, where: string) => {
    check(String(e.action_id ?? "").length <= 255, `${where}: action_id > 255`);
    if (e.placeholder) text(e.placeholder, 150, `${where} placeholder`);
    switch (e.type) {
      case "button":
        text(e.text, 75, `${where} button`);
        check(String(e.value ?? "").length <= 2000, `${where}: button value > 2000`);
        check(String(e.url ?? "").length <= 3000, `${where}: button url > 3000`);
        break;
      case "plain_text_input": {
        const max = (e.max_length as number | undefined) ?? 3000;
        check(max >= 1 && max <= 3000, `${where}: max_length ${max} outside 1..3000`);
        check(String(e.initial_value ?? "").length <= max, `${where}: initial_value longer than max_length`);
        break;
      }
      case "static_select": {
        const options = (e.options as Json[] | undefined) ?? [];
        const groups = (e.option_groups as Json[] | undefined) ?? [];
        check(options.length <= 100, `${where}: ${options.length} options > 100`);
        check(groups.length <= 100, `${where}: ${groups.length} option groups > 100`);
        check(options.length > 0 || groups.length > 0, `${where}: a select needs options`);
        options.forEach((o) => option(o, where));
        for (const g of groups) {
          text(g.label, 75, `${where} group label`);
          const inner = g.options as Json[];
          check(inner.length <= 100, `${where}: group with ${inner.length} options > 100`);
          inner.forEach((o) => option(o, where));
        }
        break;
      }
      case "radio_buttons": {
        const options = e.options as Json[];
        check(options.length >= 1 && options.length <= 10, `${where}: ${options.length} radio options outside 1..10`);
        options.forEach((o) => option(o, where));
        break;
      }
      case "file_input": {
        // https://docs.slack.dev/reference/block-kit/block-elements/file-input-element: modals only, 1..10 files.
        const max = (e.max_files as number | undefined) ?? 10;
        check(max >= 1 && max <= 10, `${where}: max_files ${max} outside 1..10`);
        check(surface === "modal", `${where}: a file input outside a modal`);
        break;
      }
      default:
        problems.push(`${where}: unexpected element type ${String(e.type)}`);
    }
  };

  const blocks = (payload.blocks as Json[] | undefined) ?? [];
  check(blocks.length <= (surface === "message" ? 50 : 100), `${blocks.length} blocks > ${surface === "message" ? 50 : 100} for a ${surface}`);
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    const where = `block ${i} (${String(b.type)})`;
    if (b.block_id !== undefined) {
      const id = String(b.block_id);
      check(id.length <= 255, `${where}: block_id > 255`);
      check(!blockIds.has(id), `${where}: duplicate block_id ${id}`);
      blockIds.add(id);
    }
    switch (b.type) {
      case "header":
        text(b.text, 150, where);
        break;
      case "section": {
        if (b.text) text(b.text, 3000, where);
        const fields = (b.fields as Json[] | undefined) ?? [];
        check(fields.length <= 10, `${where}: ${fields.length} fields > 10`);
        fields.forEach((f) => text(f, 2000, `${where} field`));
        check(Boolean(b.text) || fields.length > 0, `${where}: section needs text or fields`);
        if (b.accessory) element(b.accessory as Json, `${where} accessory`);
        break;
      }
      case "context": {
        const elements = b.elements as Json[];
        check(elements.length >= 1 && elements.length <= 10, `${where}: ${elements.length} elements outside 1..10`);
        elements.forEach((e) => text(e, 3000, where));
        break;
      }
      case "actions": {
        const elements = b.elements as Json[];
        check(elements.length >= 1 && elements.length <= 25, `${where}: ${elements.length} elements outside 1..25`);
        const ids = elements.map((e) => String(e.action_id));
        check(new Set(ids).size === ids.length, `${where}: duplicate action_id in one block`);
        elements.forEach((e) => element(e, where));
        break;
      }
      case "input":
        check(surface !== "message", `${where}: input blocks belong in modals and Home tabs`);
        text(b.label, 2000, `${where} label`);
        if (b.hint) text(b.hint, 2000, `${where} hint`);
        element(b.element as Json, where);
        break;
      case "divider":
        break;
      default:
        problems.push(`${where}: unexpected block type`);
    }
  });

  if (surface === "message") {
    check(typeof payload.text === "string" && (payload.text as string).length > 0, "message: fallback text missing");
  }
  if (surface === "modal") {
    text(payload.title, 24, "modal title");
    if (payload.submit) text(payload.submit, 24, "modal submit");
    if (payload.close) text(payload.close, 24, "modal close");
    check(String(payload.private_metadata ?? "").length <= 3000, "modal: private_metadata > 3000");
    check(String(payload.callback_id ?? "").length <= 255, "modal: callback_id > 255");
    check(!blocks.some((b) => b.type === "input") || Boolean(payload.submit), "modal with inputs needs a submit button");
  }
  return problems;
}
