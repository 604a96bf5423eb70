import type { Migration } from '../database/migrations.js';
import { sqlStatements } from '../database/migrations.js';

/**
 * One schema for PostgreSQL and PGlite. Global positions come from a sequence and so can commit out of
 * order; readers handle that (see global-log-reader.ts). The append function writes the stream row
 * BEFORE taking a sequence value: that gives the appending transaction its xid first, which is what
 * makes the reader's dead-gap rule sound. Keep that order if you ever touch es_append.
 */
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
];
