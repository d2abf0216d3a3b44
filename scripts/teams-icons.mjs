// Draws the Teams app icons (192×192 colour, 32×32 transparent outline) as PNG files.
// Teams requires exactly these sizes: https://learn.microsoft.com/en-us/microsoftteams/platform/concepts/build-and-test/apps-package#app-icons
// Usage: node scripts/teams-icons.mjs  (writes manifest/teams/color.png and outline.png)
import { writeFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";

function png(size, pixel) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let x = 0; x < size; x++) Buffer.from(pixel(x, y)).copy(row, 1 + x * 4);
    rows.push(row);
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

// A speech bubble with a check mark: the colour icon on the accent colour, the outline white on transparent.
function mark(x, y, size) {
  const u = x / size, v = y / size;
  const bubble = u > 0.18 && u < 0.82 && v > 0.2 && v < 0.68;
  const tail = u > 0.3 && u < 0.42 && v >= 0.68 && v < 0.8 && u - 0.3 < (0.8 - v);
  const check = (Math.abs(v - (0.44 + (u - 0.32))) < 0.045 && u > 0.32 && u < 0.45) || (Math.abs(v - (0.57 - (u - 0.45) * 1.1)) < 0.045 && u >= 0.45 && u < 0.68);
  return { bubble: bubble || tail, check: bubble && check };
}
const color = png(192, (x, y) => {
  const m = mark(x, y, 192);
  return m.check ? [29, 78, 137, 255] : m.bubble ? [255, 255, 255, 255] : [29, 78, 137, 255];
});
const outline = png(32, (x, y) => {
  const m = mark(x, y, 32);
  return m.bubble && !m.check ? [255, 255, 255, 255] : [0, 0, 0, 0];
});
writeFileSync(new URL("../manifest/teams/color.png", import.meta.url), color);
writeFileSync(new URL("../manifest/teams/outline.png", import.meta.url), outline);
console.log("Wrote manifest/teams/color.png (192×192) and outline.png (32×32).");
