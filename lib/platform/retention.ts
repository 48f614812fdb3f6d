/**
 * How far back events can be re-delivered: the bus archive keeps every event this long
 * (`aws events start-replay`), and replay reads the outbox rows. A consumer's processed marker
 * must outlive every re-delivery it can meet, or a replayed event would be applied twice; the
 * outbox row must outlive it too, or replay by order or type would miss it. Both therefore expire a
 * day after the window (the archive's own retention is derived from it: resources/retention.js).
 */
export const REPLAY_WINDOW_DAYS = 30;
const DAY_SECONDS = 24 * 60 * 60;
/** Published outbox rows and processed markers: the replay window and a day. */
export const RECORD_TTL_SECONDS = (REPLAY_WINDOW_DAYS + 1) * DAY_SECONDS;
