/// <reference lib="dom" />
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { cardHash, PICTURES_DIR, PICTURES_INDEX, pictureFile, renderedCards, ROOT, SCREENS_PAGE, screensPage } from "./docs-screens.ts";

/**
 * `npm run docs:cards`: draws every card's Teams Adaptive Card to a PNG with Microsoft's
 * official renderer (the `adaptivecards` package, the one the card tests parse with) in
 * headless Chromium, and writes docs/screens.md. Not part of `npm test` (a browser is
 * slow); test/docs/screens.test.ts checks quickly that the page is current and every
 * picture it names exists. Chromium: Debian's `chromium` at /usr/bin/chromium, or
 * CHROMIUM_PATH.
 */

const require = createRequire(import.meta.url);
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * A light host config close to Teams' (its fonts are not on a Linux machine, so a
 * system sans-serif stands in). Adaptive Cards draw with the host's config; Teams'
 * own is not published as a file, so this one is ours.
 */
const HOST_CONFIG = {
  fontFamily: "'Segoe UI', 'Liberation Sans', 'DejaVu Sans', sans-serif",
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: "#E0E0E0" },
  supportsInteractivity: true,
  fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 200, default: 400, bolder: 600 },
  containerStyles: {
    default: {
      backgroundColor: "#FFFFFF",
      foregroundColors: {
        default: { default: "#242424", subtle: "#616161" },
        accent: { default: "#5B5FC7", subtle: "#7579EB" },
        good: { default: "#0E700E", subtle: "#13A10E" },
        warning: { default: "#835B00", subtle: "#C19C00" },
        attention: { default: "#C4314B", subtle: "#D13438" },
        dark: { default: "#242424", subtle: "#424242" },
        light: { default: "#FFFFFF", subtle: "#F5F5F5" },
      },
    },
    emphasis: {
      backgroundColor: "#F5F5F5",
      foregroundColors: {
        default: { default: "#242424", subtle: "#616161" },
        accent: { default: "#5B5FC7", subtle: "#7579EB" },
        good: { default: "#0E700E", subtle: "#13A10E" },
        warning: { default: "#835B00", subtle: "#C19C00" },
        attention: { default: "#C4314B", subtle: "#D13438" },
      },
    },
    good: { backgroundColor: "#E7F2DA" },
    warning: { backgroundColor: "#FBF6D9" },
    attention: { backgroundColor: "#FCF4F6" },
    accent: { backgroundColor: "#E8EBFA" },
  },
  actions: { maxActions: 12, spacing: "default", buttonSpacing: 8, showCard: { actionMode: "inline" }, actionsOrientation: "horizontal", actionAlignment: "left" },
  inputs: { label: { requiredInputs: { suffix: " *", suffixColor: "attention" }, optionalInputs: {} }, errorMessage: { size: "small", color: "attention" } },
};

/** Buttons and inputs in the spirit of Teams (the renderer leaves them to the host's CSS). */
const PAGE_CSS = `
  body { margin: 0; padding: 16px; background: #F5F5F5; font-family: ${HOST_CONFIG.fontFamily}; }
  #card { width: 560px; background: #FFFFFF; border: 1px solid #E0E0E0; border-radius: 8px; overflow: hidden; }
  .ac-pushButton { font: 600 14px ${HOST_CONFIG.fontFamily}; color: #242424; background: #FFFFFF; border: 1px solid #D1D1D1;
    border-radius: 4px; padding: 5px 12px; min-height: 32px; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .ac-pushButton.style-positive, .ac-pushButton.primary { background: #5B5FC7; border-color: #5B5FC7; color: #FFFFFF; }
  .ac-pushButton.style-destructive { color: #C4314B; border-color: #C4314B; }
  .ac-input, .ac-input select, .ac-input input, .ac-input textarea, .ac-textInput, .ac-multichoiceInput {
    font: 14px ${HOST_CONFIG.fontFamily}; box-sizing: border-box; }
  .ac-textInput, select.ac-input, .ac-multichoiceInput.ac-choiceSetInput-compact { width: 100%; min-height: 32px; padding: 4px 8px;
    border: 1px solid #D1D1D1; border-radius: 4px; background: #FFFFFF; color: #242424; }
  textarea.ac-textInput.ac-multiline { min-height: 64px; }
  .ac-input-validation-failed { border-color: #C4314B !important; }
`;

async function main() {
  const rendered = renderedCards();
  mkdirSync(`${ROOT}/${PICTURES_DIR}`, { recursive: true });
  // Pictures of cards that are gone would mislead: the folder holds exactly today's cards.
  for (const file of readdirSync(`${ROOT}/${PICTURES_DIR}`)) {
    if (file.endsWith(".png") && !(file.replace(/\.png$/, "") in rendered)) rmSync(`${ROOT}/${PICTURES_DIR}/${file}`);
  }

  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 600, height: 800 }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>${PAGE_CSS}</style></head><body><div id="card"></div></body></html>`);
    await page.addScriptTag({ path: require.resolve("adaptivecards/dist/adaptivecards.min.js") });
    for (const [name, both] of Object.entries(rendered)) {
      const problems = await page.evaluate(
        ({ card, hostConfig }) => {
          const AC = (globalThis as unknown as { AdaptiveCards: any }).AdaptiveCards; // eslint-disable-line @typescript-eslint/no-explicit-any
          const adaptive = new AC.AdaptiveCard();
          adaptive.hostConfig = new AC.HostConfig(hostConfig);
          const context = new AC.SerializationContext();
          context.targetVersion = AC.Versions.v1_5;
          adaptive.parse(card, context);
          const messages: string[] = [];
          for (let i = 0; i < context.eventCount; i++) messages.push(context.getEventAt(i).message);
          const target = document.getElementById("card")!;
          target.replaceChildren();
          const element = adaptive.render();
          if (!element) return ["the renderer returned nothing"];
          target.appendChild(element);
          return messages;
        },
        { card: both.teams as unknown, hostConfig: HOST_CONFIG },
      );
      if (problems.length) throw new Error(`${name}: the Adaptive Cards renderer reported ${problems.join("; ")}`);
      await page.locator("#card").screenshot({ path: `${ROOT}/${pictureFile(name)}` });
      console.log(`drew ${pictureFile(name)}`);
    }
  } finally {
    await browser.close();
  }
  const drawnFrom = Object.fromEntries(Object.entries(rendered).map(([name, both]) => [name, cardHash(both.teams)]));
  writeFileSync(`${ROOT}/${PICTURES_INDEX}`, JSON.stringify(drawnFrom, null, 2) + "\n");
  writeFileSync(`${ROOT}/${SCREENS_PAGE}`, screensPage());
  console.log(`wrote ${SCREENS_PAGE}`);
}

await main();
