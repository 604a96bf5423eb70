import type { Migration } from '../database/migrations.js';
import { sqlStatements } from '../database/migrations.js';

/**
 * One schema for PostgreSQL and PGlite.
 *
 * Global positions are commit-ordered: every append takes the log lock (a transaction-scoped advisory
 * lock) before it takes a position and holds it until it commits or rolls back. So whoever holds position
 * p has finished — and is visible to every later snapshot — before anyone can take p + 1: a reader that
 * sees p + 1 sees everything below it, and a position missing below a visible one was rolled back and is
 * gone for good. Readers page by position and need no gap logic (global-log-reader.ts). A statement
 * trigger takes the same lock for any INSERT into es_events, so no other path can take a position
 * without it. The price: appends to one database commit one at a time (group commit in the store keeps
 * the throughput; see BENCHMARKS.md).
 */
export const LOG_LOCK_KEY = 7_329_001;

export const eventStoreMigrations: Migration[] = [
  {
    id: 'event-store/001-schema',
    up: sqlStatements(
      `CREATE TABLE IF NOT EXISTS es_streams (
        stream_id text PRIMARY KEY,
        version bigint NOT NULL CHECK (version > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE IF NOT EXISTS es_events (
        global_position bigserial PRIMARY KEY,
        event_id uuid NOT NULL,
        stream_id text NOT NULL,
        stream_version bigint NOT NULL,
        type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT es_events_event_id_key UNIQUE (event_id),
        CONSTRAINT es_events_stream_version_key UNIQUE (stream_id, stream_version)
      )`,
      `CREATE INDEX IF NOT EXISTS es_events_type_idx ON es_events (type, global_position)`,
      `CREATE OR REPLACE FUNCTION es_append(
         p_stream text, p_expected text, p_expected_version bigint,
         p_ids uuid[], p_types text[], p_data jsonb[], p_meta jsonb[])
       RETURNS TABLE (out_position bigint, out_version bigint, out_duplicate boolean)
       LANGUAGE plpgsql AS $$
       DECLARE
         n int := cardinality(p_ids);
         already int;
         v_new bigint;
         v_actual bigint;
       BEGIN
         SELECT count(*) INTO already FROM es_events e WHERE e.event_id = ANY (p_ids);
         IF already = n THEN
           RETURN QUERY SELECT e.global_position, e.stream_version, true
             FROM es_events e WHERE e.event_id = ANY (p_ids) ORDER BY e.global_position;
           RETURN;
         ELSIF already > 0 THEN
           RAISE EXCEPTION 'partial duplicate append to %', p_stream USING ERRCODE = 'ES002';
         END IF;

         IF p_expected = 'any' THEN
           INSERT INTO es_streams AS s (stream_id, version) VALUES (p_stream, n)
             ON CONFLICT (stream_id) DO UPDATE SET version = s.version + n, updated_at = now()
             RETURNING s.version INTO v_new;
         ELSIF p_expected = 'no_stream' OR (p_expected = 'exact' AND p_expected_version = 0) THEN
           INSERT INTO es_streams AS s (stream_id, version) VALUES (p_stream, n)
             ON CONFLICT (stream_id) DO NOTHING
             RETURNING s.version INTO v_new;
         ELSIF p_expected = 'stream_exists' THEN
           UPDATE es_streams s SET version = s.version + n, updated_at = now()
             WHERE s.stream_id = p_stream RETURNING s.version INTO v_new;
         ELSE
           UPDATE es_streams s SET version = s.version + n, updated_at = now()
             WHERE s.stream_id = p_stream AND s.version = p_expected_version RETURNING s.version INTO v_new;
         END IF;

         IF v_new IS NULL THEN
           SELECT s.version INTO v_actual FROM es_streams s WHERE s.stream_id = p_stream;
           RAISE EXCEPTION 'wrong expected version for %', p_stream
             USING ERRCODE = 'ES001', DETAIL = coalesce(v_actual, 0)::text;
         END IF;

         RETURN QUERY
           INSERT INTO es_events AS e (event_id, stream_id, stream_version, type, data, metadata)
           SELECT x.id, p_stream, v_new - n + x.ord, x.t, x.d, x.m
             FROM unnest(p_ids, p_types, p_data, p_meta) WITH ORDINALITY AS x (id, t, d, m, ord)
             ORDER BY x.ord
           RETURNING e.global_position, e.stream_version, false;
       END $$`,
    ),
  },
  {
    id: 'event-store/002-append-batch',
    up: sqlStatements(
      // Several independent appends in one transaction (group commit): each runs in its own
      // subtransaction, so one stream's version conflict fails only that append.
      `CREATE OR REPLACE FUNCTION es_append_batch(p_requests jsonb)
       RETURNS TABLE (out_request int, out_position bigint, out_version bigint, out_duplicate boolean,
                      out_error text, out_detail text)
       LANGUAGE plpgsql AS $$
       DECLARE
         r jsonb;
         i int := 0;
       BEGIN
         FOR r IN SELECT value FROM jsonb_array_elements(p_requests) LOOP
           BEGIN
             RETURN QUERY
               SELECT i, a.out_position, a.out_version, a.out_duplicate, NULL::text, NULL::text
                 FROM es_append(
                   r->>'stream', r->>'kind', (r->>'version')::bigint,
                   ARRAY(SELECT jsonb_array_elements_text(r->'ids'))::uuid[],
                   ARRAY(SELECT jsonb_array_elements_text(r->'types')),
                   ARRAY(SELECT jsonb_array_elements(r->'data')),
                   ARRAY(SELECT jsonb_array_elements(r->'meta'))) a;
           EXCEPTION
             WHEN SQLSTATE 'ES001' OR SQLSTATE 'ES002' OR unique_violation THEN
               DECLARE
                 v_state text;
                 v_detail text;
               BEGIN
                 GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL;
                 RETURN QUERY SELECT i, NULL::bigint, NULL::bigint, NULL::boolean, v_state, v_detail;
               END;
           END;
           i := i + 1;
         END LOOP;
       END $$`,
    ),
  },
  {
    id: 'event-store/004-commit-ordered-positions',
    up: sqlStatements(
      `CREATE OR REPLACE FUNCTION es_lock_log() RETURNS void LANGUAGE plpgsql AS $$
       BEGIN
         -- An append waiting longer than this is stuck behind a transaction that will not finish: fail
         -- it with a reason instead of hanging (the caller retries).
         PERFORM set_config('lock_timeout', '10s', true);
         PERFORM pg_advisory_xact_lock(${LOG_LOCK_KEY});
       END $$`,
      // Any INSERT takes the log lock before its rows get positions (a statement trigger fires before the
      // column defaults are computed); the append functions already hold it by then.
      `CREATE OR REPLACE FUNCTION es_events_lock_log() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_advisory_xact_lock(${LOG_LOCK_KEY});
         RETURN NULL;
       END $$`,
      `DROP TRIGGER IF EXISTS es_events_log_lock ON es_events`,
      `CREATE TRIGGER es_events_log_lock BEFORE INSERT ON es_events
         FOR EACH STATEMENT EXECUTE FUNCTION es_events_lock_log()`,
      // Everything an append checks and locks before its events get positions: idempotency by event id
      // and the expected version (taking the stream's row lock). Returns the first new stream version, or
      // NULL when the append is a retry of one already stored (same ids, order, stream, types and data).
      `CREATE OR REPLACE FUNCTION es_prepare_append(
         p_stream text, p_expected text, p_expected_version bigint,
         p_ids uuid[], p_types text[], p_data jsonb[])
       RETURNS bigint
       LANGUAGE plpgsql AS $$
       DECLARE
         n int := cardinality(p_ids);
         already int := 0;
         same int;
         offsets int;
         other record;
         v_new bigint;
         v_actual bigint;
       BEGIN
         IF EXISTS (SELECT 1 FROM es_events e WHERE e.event_id = ANY (p_ids)) THEN
           SELECT count(*),
                  count(*) FILTER (WHERE e.stream_id = p_stream AND e.type = x.t AND e.data = x.d),
                  count(DISTINCT e.stream_version - x.ord)
             INTO already, same, offsets
             FROM unnest(p_ids, p_types, p_data) WITH ORDINALITY AS x (id, t, d, ord)
             JOIN es_events e ON e.event_id = x.id;
           IF already = n AND same = n AND offsets = 1 THEN
             RETURN NULL;
           END IF;
           SELECT e.event_id, e.stream_id, e.stream_id = p_stream AS same_stream INTO other
             FROM unnest(p_ids, p_types, p_data) WITH ORDINALITY AS x (id, t, d, ord)
             JOIN es_events e ON e.event_id = x.id
            ORDER BY (e.stream_id = p_stream), x.ord LIMIT 1;
           RAISE EXCEPTION 'event id % is already stored in %', other.event_id, other.stream_id
             USING ERRCODE = 'ES002',
                   DETAIL = json_build_object(
                     'eventId', other.event_id, 'storedIn', other.stream_id,
                     'reason', CASE WHEN NOT other.same_stream THEN 'other_stream'
                                    WHEN already < n THEN 'partial'
                                    ELSE 'other_content' END)::text;
         END IF;

         IF p_expected = 'any' THEN
           INSERT INTO es_streams AS s (stream_id, version) VALUES (p_stream, n)
             ON CONFLICT (stream_id) DO UPDATE SET version = s.version + n, updated_at = now()
             RETURNING s.version INTO v_new;
         ELSIF p_expected = 'no_stream' OR (p_expected = 'exact' AND p_expected_version = 0) THEN
           INSERT INTO es_streams AS s (stream_id, version) VALUES (p_stream, n)
             ON CONFLICT (stream_id) DO NOTHING
             RETURNING s.version INTO v_new;
         ELSIF p_expected = 'stream_exists' THEN
           UPDATE es_streams s SET version = s.version + n, updated_at = now()
             WHERE s.stream_id = p_stream RETURNING s.version INTO v_new;
         ELSE
           UPDATE es_streams s SET version = s.version + n, updated_at = now()
             WHERE s.stream_id = p_stream AND s.version = p_expected_version RETURNING s.version INTO v_new;
         END IF;

         IF v_new IS NULL THEN
           SELECT s.version INTO v_actual FROM es_streams s WHERE s.stream_id = p_stream;
           RAISE EXCEPTION 'wrong expected version for %', p_stream
             USING ERRCODE = 'ES001', DETAIL = coalesce(v_actual, 0)::text;
         END IF;
         RETURN v_new - n + 1;
       END $$`,
      // Locks in one order everywhere: stream rows first, the log lock last, then the insert and the
      // commit. Whoever holds the log lock never waits for a row lock, so the log lock is in no deadlock,
      // and it is held only for the insert and the commit.
      `CREATE OR REPLACE FUNCTION es_append(
         p_stream text, p_expected text, p_expected_version bigint,
         p_ids uuid[], p_types text[], p_data jsonb[], p_meta jsonb[])
       RETURNS TABLE (out_position bigint, out_version bigint, out_duplicate boolean)
       LANGUAGE plpgsql AS $$
       DECLARE
         v_first bigint;
       BEGIN
         v_first := es_prepare_append(p_stream, p_expected, p_expected_version, p_ids, p_types, p_data);
         IF v_first IS NULL THEN
           RETURN QUERY SELECT e.global_position, e.stream_version, true
             FROM es_events e WHERE e.event_id = ANY (p_ids) ORDER BY e.global_position;
           RETURN;
         END IF;
         PERFORM es_lock_log();
         RETURN QUERY
           INSERT INTO es_events AS e (event_id, stream_id, stream_version, type, data, metadata)
           SELECT x.id, p_stream, v_first - 1 + x.ord, x.t, x.d, x.m
             FROM unnest(p_ids, p_types, p_data, p_meta) WITH ORDINALITY AS x (id, t, d, m, ord)
             ORDER BY x.ord
           RETURNING e.global_position, e.stream_version, false;
       END $$`,
      // Group commit in two phases: each append checked and its stream row locked in a subtransaction
      // of its own (a conflict fails only that append), then one insert of every accepted event under
      // the log lock. An insert that loses a race on an event id fails the whole batch; the store then
      // retries each append alone.
      `CREATE OR REPLACE FUNCTION es_append_batch(p_requests jsonb)
       RETURNS TABLE (out_request int, out_position bigint, out_version bigint, out_duplicate boolean,
                      out_error text, out_detail text)
       LANGUAGE plpgsql AS $$
       DECLARE
         r jsonb;
         i int := 0;
         v_ids uuid[];
         v_first bigint;
         accepted int[] := '{}';
         firsts bigint[] := '{}';
       BEGIN
         FOR r IN SELECT value FROM jsonb_array_elements(p_requests) LOOP
           v_ids := ARRAY(SELECT jsonb_array_elements_text(r->'ids'))::uuid[];
           -- The common case needs no subtransaction (they are not free): an append at any version
           -- whose ids are new cannot fail its checks.
           IF r->>'kind' = 'any' AND NOT EXISTS (SELECT 1 FROM es_events e WHERE e.event_id = ANY (v_ids)) THEN
             INSERT INTO es_streams AS s (stream_id, version)
               VALUES (r->>'stream', cardinality(v_ids))
               ON CONFLICT (stream_id) DO UPDATE SET version = s.version + cardinality(v_ids), updated_at = now()
               RETURNING s.version - cardinality(v_ids) + 1 INTO v_first;
             accepted := accepted || i;
             firsts := firsts || v_first;
             i := i + 1;
             CONTINUE;
           END IF;
           BEGIN
             v_first := es_prepare_append(
               r->>'stream', r->>'kind', (r->>'version')::bigint, v_ids,
               ARRAY(SELECT jsonb_array_elements_text(r->'types')),
               ARRAY(SELECT jsonb_array_elements(r->'data')));
             IF v_first IS NULL THEN
               RETURN QUERY SELECT i, e.global_position, e.stream_version, true, NULL::text, NULL::text
                 FROM es_events e WHERE e.event_id = ANY (v_ids) ORDER BY e.global_position;
             ELSE
               accepted := accepted || i;
               firsts := firsts || v_first;
             END IF;
           EXCEPTION
             WHEN SQLSTATE 'ES001' OR SQLSTATE 'ES002' THEN
               DECLARE
                 v_state text;
                 v_detail text;
               BEGIN
                 GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL;
                 RETURN QUERY SELECT i, NULL::bigint, NULL::bigint, NULL::boolean, v_state, v_detail;
               END;
           END;
           i := i + 1;
         END LOOP;
         IF cardinality(accepted) = 0 THEN
           RETURN;
         END IF;
         PERFORM es_lock_log();
         RETURN QUERY
           WITH todo AS (
             SELECT a.req, a.first, p_requests -> a.req AS r
               FROM unnest(accepted, firsts) AS a (req, first)
           ), rows AS (
             SELECT todo.req, todo.r->>'stream' AS stream, todo.first - 1 + o AS version, o AS ord,
                    (todo.r->'ids'->>(o - 1))::uuid AS id, todo.r->'types'->>(o - 1) AS t,
                    todo.r->'data'->(o - 1) AS d, todo.r->'meta'->(o - 1) AS m
               FROM todo, generate_series(1, jsonb_array_length(todo.r->'ids')) AS o
           ), ins AS (
             INSERT INTO es_events (event_id, stream_id, stream_version, type, data, metadata)
             SELECT rows.id, rows.stream, rows.version, rows.t, rows.d, rows.m FROM rows
              ORDER BY rows.req, rows.ord
             RETURNING global_position, stream_id, stream_version
           )
           SELECT rows.req, ins.global_position, ins.stream_version, false, NULL::text, NULL::text
             FROM ins JOIN rows ON rows.stream = ins.stream_id AND rows.version = ins.stream_version
            ORDER BY ins.global_position;
       END $$`,
    ),
  },
];
