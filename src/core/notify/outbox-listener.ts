import pg from "pg";
import type { Logger } from "../../logger.ts";

/** The channel the Notification table's trigger NOTIFYs on commit (migration outbox_wake). */
export const OUTBOX_CHANNEL = "carebot_outbox";

/**
 * Wakes this process's delivery worker when ANY process commits a notification: one
 * connection held open with LISTEN carebot_outbox. PostgreSQL delivers the NOTIFY when
 * the writer's transaction commits, so the worker finds the row at once instead of at
 * its next poll. A lost connection is opened again (with backoff) and rings once when
 * back, since a notification may have come while it was away; polling still covers
 * the gap. Only for a PostgreSQL server (DATABASE_URL or the embedded server): an
 * in-memory PGlite belongs to one process, whose own bell (core.outbox.onReady) rings.
 */
export interface OutboxListener {
  /** Returns the unsubscribe function (a worker's WakeSource). */
  subscribe(listener: () => void): () => void;
  /** Settles when the first LISTEN is in place (tests wait for it; the worker need not). */
  readonly listening: Promise<void>;
  close(): Promise<void>;
}

export function listenForOutbox(options: { url: string; logger: Logger; retryMs?: number }): OutboxListener {
  const log = options.logger.child({ module: "outbox-listener" });
  const listeners = new Set<() => void>();
  const ring = () => {
    for (const listener of listeners) listener();
  };
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let listened: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => (listened = resolve));

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: options.url, application_name: "carebot outbox listener" });
    c.on("notification", (message) => {
      if (message.channel === OUTBOX_CHANNEL) ring();
    });
    c.on("error", (error) => {
      // The connection is gone (server restart, network): open another after a pause.
      log.warn({ err: error }, "outbox listener connection failed; opening another");
      reconnect(c);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      log.warn({ err: error }, "outbox listener cannot connect yet; the worker polls meanwhile");
      reconnect(c);
      return;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    log.info({ channel: OUTBOX_CHANNEL }, "listening for outbox notifications from every process");
    listened();
    if (failures > 0) ring(); // something may have been committed while no one listened
    failures = 0;
  };

  const reconnect = (broken: pg.Client) => {
    if (client === broken) client = undefined;
    void broken.end().catch(() => undefined);
    if (closed || retry) return;
    failures += 1;
    const wait = Math.min((options.retryMs ?? 1_000) * 2 ** Math.min(failures - 1, 5), 30_000);
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, wait);
  };

  void connect();
  return {
    listening,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      closed = true;
      clearTimeout(retry);
      listeners.clear();
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
