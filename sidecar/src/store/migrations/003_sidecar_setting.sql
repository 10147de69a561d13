-- Settings every replica must share. The hash salt is generated once per
-- database so that value hashes stay comparable across restarts and replicas.
CREATE TABLE sidecar_setting (
  name text PRIMARY KEY,
  value text NOT NULL
);

INSERT INTO sidecar_setting (name, value)
VALUES ('hash_salt', md5(gen_random_uuid()::text) || md5(gen_random_uuid()::text));
