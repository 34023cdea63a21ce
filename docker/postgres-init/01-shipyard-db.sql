-- Creates the application's own database next to Temporal's in the compose PostgreSQL.
--
-- The postgres image runs files in /docker-entrypoint-initdb.d once, on the first start with an
-- EMPTY data volume. After changing this file: docker-compose down -v (drops all local data).
--
-- Temporal's databases (temporal, temporal_visibility) are created by temporalio/auto-setup as
-- the superuser; the app gets a non-superuser role that owns only its own database.
-- LOCAL DEVELOPMENT CREDENTIALS ONLY: never reuse them anywhere else.
CREATE ROLE shipyard WITH LOGIN PASSWORD 'shipyard-local-dev';
CREATE DATABASE shipyard OWNER shipyard;
