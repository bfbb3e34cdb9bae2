// The registry schema, as versioned migrations. Never edit a released migration: add a new one.
#include "store/migrations.h"

namespace ektp::store {

const std::vector<Migration>& registry_migrations() {
  static const std::vector<Migration> migrations = {
      {1, "registry", R"sql(
CREATE TABLE families (
  kk_number      TEXT PRIMARY KEY,
  head_nik       TEXT NOT NULL,
  village_code   TEXT NOT NULL,
  district_code  TEXT NOT NULL,
  street         TEXT NOT NULL,
  rt             TEXT NOT NULL,
  rw             TEXT NOT NULL,
  issued_on      TEXT NOT NULL,
  active         INTEGER NOT NULL DEFAULT 1,
  version        INTEGER NOT NULL DEFAULT 1,
  updated_at_ms  BIGINT NOT NULL
);
CREATE INDEX families_district ON families (district_code);

CREATE TABLE persons (
  nik            TEXT PRIMARY KEY,
  kk_number      TEXT NOT NULL,
  relation       TEXT NOT NULL,
  name           TEXT NOT NULL,
  name_key       TEXT NOT NULL,
  birth_place    TEXT NOT NULL,
  birth_date     TEXT NOT NULL,
  sex            TEXT NOT NULL,
  blood_type     TEXT NOT NULL,
  religion       TEXT NOT NULL,
  marital_status TEXT NOT NULL,
  occupation     TEXT NOT NULL,
  education      TEXT NOT NULL,
  citizenship    TEXT NOT NULL,
  father_name    TEXT NOT NULL,
  mother_name    TEXT NOT NULL,
  street         TEXT NOT NULL,
  rt             TEXT NOT NULL,
  rw             TEXT NOT NULL,
  village_code   TEXT NOT NULL,
  district_code  TEXT NOT NULL,
  alive          INTEGER NOT NULL DEFAULT 1,
  death_date     TEXT NOT NULL DEFAULT '',
  enrolled       INTEGER NOT NULL DEFAULT 0,
  card_printed   INTEGER NOT NULL DEFAULT 0,
  version        INTEGER NOT NULL DEFAULT 1,
  updated_at_ms  BIGINT NOT NULL
);
CREATE INDEX persons_name_birth ON persons (name_key, birth_date);
CREATE INDEX persons_kk ON persons (kk_number);
CREATE INDEX persons_district ON persons (district_code);

CREATE TABLE events (
  id              {ID},
  type            TEXT NOT NULL,
  occurred_on     TEXT NOT NULL,
  recorded_at_ms  BIGINT NOT NULL,
  actor           TEXT NOT NULL,
  documents       TEXT NOT NULL,
  payload         TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  request_hash    TEXT NOT NULL
);

CREATE TABLE event_subjects (
  nik       TEXT NOT NULL,
  event_id  BIGINT NOT NULL,
  role      TEXT NOT NULL,
  PRIMARY KEY (nik, event_id)
);

CREATE TABLE serials (
  prefix       TEXT PRIMARY KEY,
  last_serial  INTEGER NOT NULL
);

CREATE TABLE corrections (
  id             {ID},
  nik            TEXT NOT NULL,
  fields         TEXT NOT NULL,
  reason         TEXT NOT NULL,
  requested_by   TEXT NOT NULL,
  status         TEXT NOT NULL,
  decided_by     TEXT NOT NULL DEFAULT '',
  idempotency_key TEXT NOT NULL UNIQUE,
  created_at_ms  BIGINT NOT NULL,
  decided_at_ms  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE users (
  id             {ID},
  username       TEXT NOT NULL UNIQUE,
  password_hash  TEXT NOT NULL,
  role           TEXT NOT NULL,
  active         INTEGER NOT NULL DEFAULT 1,
  created_at_ms  BIGINT NOT NULL
);

CREATE TABLE sessions (
  token_hash     TEXT PRIMARY KEY,
  username       TEXT NOT NULL,
  role           TEXT NOT NULL,
  expires_at_ms  BIGINT NOT NULL
);

CREATE TABLE audit_log (
  seq        {ID},
  at_ms      BIGINT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  subject    TEXT NOT NULL,
  detail     TEXT NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);
)sql"},
  };
  return migrations;
}

}  // namespace ektp::store
