import type { PrismaClient } from "../../generated/prisma/client.ts";

/**
 * Thrown inside a transaction that met a first-time chat user: link them, then run it
 * again (inTransaction does). Linking asks the chat platform, so it never runs while a
 * transaction holds a connection. Here, beside the transaction, so the database layer
 * needs nothing from the accounts that throw it.
 */
export class LinkFirst extends Error {
  constructor(readonly link: (db: PrismaClient) => Promise<{ personId: string }>) {
    super("a first-time chat user must be linked before this transaction");
  }
}
