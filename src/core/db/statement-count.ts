import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from "@prisma/driver-adapter-utils";

/**
 * Counts the statements Prisma sends through a driver adapter: each is a round trip
 * to the database, BEGIN and COMMIT included. A chat request that makes many small
 * queries is slow however fast each one is, so the query-budget tests and the chat
 * benchmark read these counts.
 *
 * PGlite's adapter runs transactions as "phantom" ones (the client sends no BEGIN or
 * COMMIT; the adapter's own transaction wraps them), PostgreSQL's sends COMMIT as a
 * statement; both are counted the same way here: BEGIN at startTransaction, COMMIT or
 * ROLLBACK as the statement or the call that ends the transaction.
 */
export type StatementListener = (sql: string) => void;

function countingTransaction(tx: Transaction, on: StatementListener): Transaction {
  const phantom = tx.options.usePhantomQuery;
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop === "queryRaw" || prop === "executeRaw") {
        return (query: { sql: string }) => {
          on(query.sql);
          return (target[prop] as (q: unknown) => Promise<unknown>).call(target, query);
        };
      }
      if (phantom && (prop === "commit" || prop === "rollback")) {
        return () => {
          on(prop === "commit" ? "COMMIT" : "ROLLBACK");
          return target[prop].call(target);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function countingAdapter(adapter: SqlDriverAdapter, on: StatementListener): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === "queryRaw" || prop === "executeRaw") {
        return (query: { sql: string }) => {
          on(query.sql);
          return (target[prop] as (q: unknown) => Promise<unknown>).call(target, query);
        };
      }
      if (prop === "executeScript") {
        return (script: string) => {
          on(script);
          return target.executeScript(script);
        };
      }
      if (prop === "startTransaction") {
        return async (...args: Parameters<SqlDriverAdapter["startTransaction"]>) => {
          on("BEGIN");
          return countingTransaction(await target.startTransaction(...args), on);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The adapter factory, with every statement reported to `on` before it is sent. */
export function countStatements<F extends SqlDriverAdapterFactory>(factory: F, on: StatementListener): F {
  return new Proxy(factory, {
    get(target, prop, receiver) {
      if (prop === "connect") return async () => countingAdapter(await target.connect(), on);
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
