-- Creates each service's login role and schema; the role owns its schema and
-- has no rights on any other. Run once as a superuser (docker-compose mounts
-- it into /docker-entrypoint-initdb.d). Change the passwords in production.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE ROLE contact LOGIN PASSWORD 'contact';
CREATE SCHEMA contact AUTHORIZATION contact;
REVOKE ALL ON SCHEMA contact FROM PUBLIC;
ALTER ROLE contact SET search_path = contact;
CREATE ROLE training LOGIN PASSWORD 'training';
CREATE SCHEMA training AUTHORIZATION training;
REVOKE ALL ON SCHEMA training FROM PUBLIC;
ALTER ROLE training SET search_path = training;
