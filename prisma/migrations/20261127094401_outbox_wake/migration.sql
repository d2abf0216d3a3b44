-- Wakes delivery workers in other processes at once (they LISTEN on carebot_outbox) instead of
-- at their next poll. PostgreSQL sends a NOTIFY when its transaction commits, never for one
-- rolled back, and folds identical ones of a transaction into one; the statement trigger
-- costs the writer no extra round trip. Not modelled by Prisma (it has no triggers), so
-- `migrate diff` never drops it.
CREATE FUNCTION "carebot_outbox_wake"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('carebot_outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "Notification_wake" AFTER INSERT ON "Notification" FOR EACH STATEMENT EXECUTE FUNCTION "carebot_outbox_wake"();
