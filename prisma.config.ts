// Used only by the Prisma CLI when authoring migrations (`npm run db:migration -- --name x`).
// It replays the committed migrations into a throw-away in-memory PGlite, diffs the
// schema and writes the next migration.sql; nothing is downloaded (see
// ../shared/notes/prisma-offline.md). The application applies migrations itself.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => new PrismaPGlite(new PGlite()),
});
