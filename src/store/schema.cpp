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
      {2, "enrollment", R"sql(
CREATE TABLE enrollments (
  enrollment_id    TEXT PRIMARY KEY,
  nik              TEXT NOT NULL,
  station_id       TEXT NOT NULL,
  operator         TEXT NOT NULL,
  captured_at_ms   BIGINT NOT NULL,
  received_at_ms   BIGINT NOT NULL DEFAULT 0,
  status           TEXT NOT NULL,
  modalities       TEXT NOT NULL,
  biodata_changes  TEXT NOT NULL,
  base_version     INTEGER NOT NULL,
  photo            {BLOB} NOT NULL,
  photo_mime       TEXT NOT NULL,
  photo_sha256     TEXT NOT NULL,
  photo_report     TEXT NOT NULL,
  signature        {BLOB} NOT NULL,
  signature_sha256 TEXT NOT NULL
);
CREATE INDEX enrollments_nik ON enrollments (nik);
CREATE INDEX enrollments_status ON enrollments (status);
CREATE INDEX persons_updated ON persons (district_code, updated_at_ms, nik);
CREATE INDEX families_updated ON families (district_code, updated_at_ms, kk_number);

CREATE TABLE enrollment_fingers (
  enrollment_id  TEXT NOT NULL,
  position       INTEGER NOT NULL,
  image          {BLOB},
  image_sha256   TEXT NOT NULL DEFAULT '',
  template       {BLOB},
  quality        INTEGER NOT NULL DEFAULT 0,
  missing_reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (enrollment_id, position)
);

CREATE TABLE enrollment_irises (
  enrollment_id  TEXT NOT NULL,
  eye            TEXT NOT NULL,
  image          {BLOB},
  image_sha256   TEXT NOT NULL DEFAULT '',
  quality        INTEGER NOT NULL DEFAULT 0,
  missing_reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (enrollment_id, eye)
);

CREATE TABLE status_timeline (
  id            {ID},
  nik           TEXT NOT NULL,
  enrollment_id TEXT NOT NULL,
  status        TEXT NOT NULL,
  at_ms         BIGINT NOT NULL,
  detail        TEXT NOT NULL,
  UNIQUE (enrollment_id, status)
);
CREATE INDEX status_timeline_nik ON status_timeline (nik);
)sql"},
      {3, "stations and sync", R"sql(
CREATE TABLE stations (
  station_id          TEXT PRIMARY KEY,
  district_code       TEXT NOT NULL,
  name                TEXT NOT NULL,
  status              TEXT NOT NULL,
  provisioning_hash   TEXT NOT NULL,
  public_key          {BLOB},
  last_request_counter BIGINT NOT NULL DEFAULT 0,
  last_seq            BIGINT NOT NULL DEFAULT 0,
  created_at_ms       BIGINT NOT NULL,
  provisioned_at_ms   BIGINT NOT NULL DEFAULT 0,
  revoked_at_ms       BIGINT NOT NULL DEFAULT 0,
  last_seen_at_ms     BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE station_operators (
  station_id TEXT NOT NULL,
  username   TEXT NOT NULL,
  PRIMARY KEY (station_id, username)
);

CREATE TABLE serial_leases (
  lease_id       TEXT PRIMARY KEY,
  station_id     TEXT NOT NULL,
  kind           TEXT NOT NULL,
  district_code  TEXT NOT NULL,
  first_serial   INTEGER NOT NULL,
  last_serial    INTEGER NOT NULL,
  granted_at_ms  BIGINT NOT NULL,
  valid_for_ms   BIGINT NOT NULL,
  expires_at_ms  BIGINT NOT NULL
);
CREATE INDEX serial_leases_district ON serial_leases (district_code, kind);

CREATE TABLE serial_lease_use (
  lease_id    TEXT NOT NULL,
  prefix      TEXT NOT NULL,
  last_serial INTEGER NOT NULL,
  PRIMARY KEY (lease_id, prefix)
);

CREATE TABLE sync_items (
  station_id    TEXT NOT NULL,
  seq           BIGINT NOT NULL,
  item_key      TEXT NOT NULL UNIQUE,
  kind          TEXT NOT NULL,
  item_sha256   TEXT NOT NULL,
  outcome       TEXT NOT NULL,
  detail        TEXT NOT NULL,
  receipt       TEXT NOT NULL,
  applied_at_ms BIGINT NOT NULL,
  PRIMARY KEY (station_id, seq)
);

CREATE TABLE sync_conflicts (
  id             {ID},
  station_id     TEXT NOT NULL,
  item_key       TEXT NOT NULL UNIQUE,
  nik            TEXT NOT NULL,
  base_version   INTEGER NOT NULL,
  central_version INTEGER NOT NULL,
  station_values TEXT NOT NULL,
  central_values TEXT NOT NULL,
  status         TEXT NOT NULL,
  resolved_by    TEXT NOT NULL DEFAULT '',
  resolution     TEXT NOT NULL DEFAULT '',
  created_at_ms  BIGINT NOT NULL,
  resolved_at_ms BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE server_keys (
  name        TEXT PRIMARY KEY,
  secret_key  {BLOB} NOT NULL,
  public_key  {BLOB} NOT NULL,
  created_at_ms BIGINT NOT NULL
);

CREATE TABLE station_identity (
  id                 INTEGER PRIMARY KEY,
  station_id         TEXT NOT NULL,
  district_code      TEXT NOT NULL,
  central_url        TEXT NOT NULL,
  secret_key         {BLOB} NOT NULL,
  public_key         {BLOB} NOT NULL,
  central_public_key {BLOB} NOT NULL,
  request_counter    BIGINT NOT NULL DEFAULT 0,
  persons_cursor_ms  BIGINT NOT NULL DEFAULT 0,
  families_cursor_ms BIGINT NOT NULL DEFAULT 0,
  provisioned_at_ms  BIGINT NOT NULL
);

CREATE TABLE outbox (
  seq           {ID},
  item_key      TEXT NOT NULL UNIQUE,
  kind          TEXT NOT NULL,
  nik           TEXT NOT NULL,
  payload       {BLOB} NOT NULL,
  item_sha256   TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT NOT NULL DEFAULT '',
  last_attempt_at_ms BIGINT NOT NULL DEFAULT 0,
  delivered_at_ms BIGINT NOT NULL DEFAULT 0,
  outcome       TEXT NOT NULL DEFAULT '',
  receipt       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (delivered_at_ms, seq);
)sql"},
      {4, "dedup and adjudication", R"sql(
CREATE TABLE dedup_jobs (
  id             {ID},
  enrollment_id  TEXT NOT NULL UNIQUE,
  nik            TEXT NOT NULL,
  status         TEXT NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  created_at_ms  BIGINT NOT NULL,
  started_at_ms  BIGINT NOT NULL DEFAULT 0,
  finished_at_ms BIGINT NOT NULL DEFAULT 0,
  result         TEXT NOT NULL DEFAULT '',
  candidates     INTEGER NOT NULL DEFAULT 0,
  best_score     DOUBLE PRECISION NOT NULL DEFAULT 0,
  error          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dedup_jobs_status ON dedup_jobs (status, id);

CREATE TABLE adjudication_cases (
  id                      {ID},
  job_id                  BIGINT NOT NULL,
  enrollment_id           TEXT NOT NULL,
  nik                     TEXT NOT NULL,
  candidate_nik           TEXT NOT NULL,
  candidate_enrollment_id TEXT NOT NULL,
  candidate_rank          INTEGER NOT NULL,
  score                   DOUBLE PRECISION NOT NULL,
  finger_scores           TEXT NOT NULL,
  status                  TEXT NOT NULL,
  proposed_decision       TEXT NOT NULL DEFAULT '',
  proposed_by             TEXT NOT NULL DEFAULT '',
  proposed_reason         TEXT NOT NULL DEFAULT '',
  proposed_at_ms          BIGINT NOT NULL DEFAULT 0,
  confirmed_decision      TEXT NOT NULL DEFAULT '',
  confirmed_by            TEXT NOT NULL DEFAULT '',
  confirmed_reason        TEXT NOT NULL DEFAULT '',
  confirmed_at_ms         BIGINT NOT NULL DEFAULT 0,
  final_decision          TEXT NOT NULL DEFAULT '',
  disagreements           INTEGER NOT NULL DEFAULT 0,
  created_at_ms           BIGINT NOT NULL,
  UNIQUE (job_id, candidate_nik)
);
CREATE INDEX adjudication_cases_status ON adjudication_cases (status, id);
CREATE INDEX adjudication_cases_enrollment ON adjudication_cases (enrollment_id);
)sql"},
      // The receipt number's keyed digest (registry/receipt_number.h); '' for enrollments
      // received before receipts existed, which the public status page does not answer.
      {5, "enrollment receipt numbers", R"sql(
ALTER TABLE enrollments ADD COLUMN receipt_digest TEXT NOT NULL DEFAULT '';
CREATE TABLE receipt_keys (
  id      INTEGER PRIMARY KEY,
  key_hex TEXT NOT NULL
);
)sql"},
      // Sessions listed and revoked per user; sessions.role is no longer read (the user's row is).
      {6, "sessions by user", R"sql(
ALTER TABLE sessions ADD COLUMN created_at_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sessions_username ON sessions (username);
)sql"},
      {7, "station trust in central's TLS key", R"sql(
ALTER TABLE station_identity ADD COLUMN central_tls_pin TEXT NOT NULL DEFAULT '';
ALTER TABLE station_identity ADD COLUMN central_ca_file TEXT NOT NULL DEFAULT '';
)sql"},
      // The person behind each staff account (their own NIK, optionally their staff number/NIP)
      // and the second admin's approval of adjudicator and admin accounts (access/staff.h).
      // Accounts from before stay approved with no person: an adjudicator without one cannot
      // decide, an admin without one cannot approve. A proposal records its proposer's NIK so the
      // confirmer is compared as a person.
      {8, "staff persons and second-admin approval", R"sql(
ALTER TABLE users ADD COLUMN person_nik TEXT;
ALTER TABLE users ADD COLUMN staff_number TEXT;
ALTER TABLE users ADD COLUMN approval_status TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE users ADD COLUMN approval_requested_by TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN approved_at_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX users_approval_status ON users (approval_status);
ALTER TABLE adjudication_cases ADD COLUMN proposed_by_person TEXT NOT NULL DEFAULT '';
)sql"},
      // The office each operator and supervisor works for: they read and search only the
      // residents of its region (access/office_scope.h).
      {10, "office regions of staff", R"sql(
CREATE TABLE user_offices (
  username       TEXT PRIMARY KEY,
  region_code    TEXT NOT NULL,
  updated_at_ms  BIGINT NOT NULL
);
)sql"},
      // Second-factor sign-in: each account's TOTP secret, sealed with a key outside the database
      // (access/totp_secret_key.h), and the last step used (a code is good once). A session made
      // with the password alone, for a role that must have a second factor, may only enrol one.
      {11, "second-factor sign-in (TOTP)", R"sql(
CREATE TABLE user_totp (
  username         TEXT PRIMARY KEY,
  secret_sealed    TEXT NOT NULL,
  confirmed_at_ms  BIGINT NOT NULL DEFAULT 0,
  last_step        BIGINT NOT NULL DEFAULT 0,
  created_at_ms    BIGINT NOT NULL
);
ALTER TABLE sessions ADD COLUMN second_factor_pending INTEGER NOT NULL DEFAULT 0;
)sql"},
      // Stations keep their own operator passwords: central hands a station no password hash,
      // only one-time activation codes (sync/operator_enrolment.h), kept here as digests.
      {12, "station operator activation codes", R"sql(
CREATE TABLE station_operator_codes (
  station_id     TEXT NOT NULL,
  username       TEXT NOT NULL,
  code_digest    TEXT NOT NULL,
  issued_by      TEXT NOT NULL,
  issued_at_ms   BIGINT NOT NULL,
  expires_at_ms  BIGINT NOT NULL,
  failed_tries   INTEGER NOT NULL DEFAULT 0,
  used_at_ms     BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (station_id, username)
);
)sql"},
      // Card production (card/blanko_stock.h, card/print_queue.h): the append-only blanko ledger,
      // where each numbered blanko is now (kept with the ledger in one transaction; `ektp card
      // stock verify` replays the one against the other), and the print queue.
      {13, "blanko stock and print queue", R"sql(
CREATE TABLE blanko_movements (
  seq            {ID},
  office_code    TEXT NOT NULL,
  kind           TEXT NOT NULL,
  first_serial   BIGINT NOT NULL,
  last_serial    BIGINT NOT NULL,
  counterpart    TEXT NOT NULL DEFAULT '',
  print_request  BIGINT NOT NULL DEFAULT 0,
  actor          TEXT NOT NULL,
  reason         TEXT NOT NULL DEFAULT '',
  at_ms          BIGINT NOT NULL
);
CREATE INDEX blanko_movements_office ON blanko_movements (office_code, seq);
CREATE TABLE blanko_serials (
  serial         BIGINT PRIMARY KEY,
  office_code    TEXT NOT NULL,
  state          TEXT NOT NULL,
  updated_seq    BIGINT NOT NULL
);
CREATE INDEX blanko_serials_office ON blanko_serials (office_code, state, serial);
CREATE TABLE print_requests (
  id               {ID},
  nik              TEXT NOT NULL,
  office_code      TEXT NOT NULL,
  reason           TEXT NOT NULL,
  detail           TEXT NOT NULL DEFAULT '',
  urgent_reason    TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL,
  requested_at_ms  BIGINT NOT NULL,
  requested_by     TEXT NOT NULL,
  enrollment_id    TEXT NOT NULL DEFAULT '',
  blanko_serial    BIGINT NOT NULL DEFAULT 0,
  printed_at_ms    BIGINT NOT NULL DEFAULT 0,
  printed_by       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX print_requests_queue ON print_requests (office_code, status, requested_at_ms, id);
CREATE INDEX print_requests_nik ON print_requests (nik);
CREATE UNIQUE INDEX print_requests_one_open ON print_requests (nik) WHERE status = 'waiting';
)sql"},
      // An office asks the next one up for blanko (card/allocation_requests.h), with the measured
      // use and days of stock left at the time it asked.
      {14, "blanko allocation requests", R"sql(
CREATE TABLE blanko_allocation_requests (
  id                {ID},
  office_code       TEXT NOT NULL,
  addressed_to      TEXT NOT NULL,
  count             BIGINT NOT NULL,
  note              TEXT NOT NULL DEFAULT '',
  on_hand           BIGINT NOT NULL,
  used_last_30_days BIGINT NOT NULL,
  days_left_tenths  BIGINT NOT NULL DEFAULT -1,
  status            TEXT NOT NULL,
  requested_by      TEXT NOT NULL,
  requested_at_ms   BIGINT NOT NULL,
  closed_by         TEXT NOT NULL DEFAULT '',
  closed_at_ms      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX blanko_allocation_requests_office ON blanko_allocation_requests (office_code, id);
CREATE INDEX blanko_allocation_requests_to ON blanko_allocation_requests (addressed_to, status, id);
)sql"},
      // The card handed over (card/card_pickup.h): who collected it, how the holder was checked,
      // every check tried (failed fingerprint tries are counted), cards revoked when reported
      // lost or damaged; and the blanko deliveries an office was told are coming
      // (card/announced_deliveries.h), which the ready date counts on; the SUKETs issued while a
      // card is pending and the public halves of the keys that signed them (card/suket_*.h).
      {15, "card pickup, announced deliveries and SUKET", R"sql(
ALTER TABLE print_requests ADD COLUMN collected_at_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE print_requests ADD COLUMN collected_by TEXT NOT NULL DEFAULT '';
ALTER TABLE print_requests ADD COLUMN collection_method TEXT NOT NULL DEFAULT '';
ALTER TABLE print_requests ADD COLUMN revoked_at_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE print_requests ADD COLUMN revoked_reason TEXT NOT NULL DEFAULT '';
CREATE TABLE card_pickup_attempts (
  id               {ID},
  print_request    BIGINT NOT NULL,
  method           TEXT NOT NULL,
  finger_position  INTEGER NOT NULL DEFAULT 0,
  score_e4         INTEGER NOT NULL DEFAULT 0,
  matched          INTEGER NOT NULL,
  actor            TEXT NOT NULL,
  note             TEXT NOT NULL DEFAULT '',
  at_ms            BIGINT NOT NULL
);
CREATE INDEX card_pickup_attempts_request ON card_pickup_attempts (print_request, id);
CREATE TABLE blanko_announced_deliveries (
  id               {ID},
  office_code      TEXT NOT NULL,
  expected_day     BIGINT NOT NULL,
  count            BIGINT NOT NULL,
  note             TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL,
  announced_by     TEXT NOT NULL,
  announced_at_ms  BIGINT NOT NULL,
  received_at_ms   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX blanko_announced_deliveries_office ON blanko_announced_deliveries (office_code, status, expected_day);
CREATE TABLE suket_issuer_keys (
  kid              TEXT PRIMARY KEY,
  issuer           TEXT NOT NULL,
  alg              TEXT NOT NULL,
  public_key       TEXT NOT NULL,
  not_before_s     BIGINT NOT NULL,
  not_after_s      BIGINT NOT NULL,
  created_at_ms    BIGINT NOT NULL
);
CREATE INDEX suket_issuer_keys_issuer ON suket_issuer_keys (issuer, not_after_s);
CREATE TABLE sukets (
  id               TEXT PRIMARY KEY,
  nik              TEXT NOT NULL,
  office_code      TEXT NOT NULL,
  kid              TEXT NOT NULL,
  issued_by        TEXT NOT NULL,
  issued_at_s      BIGINT NOT NULL,
  expires_at_s     BIGINT NOT NULL,
  qr_text          TEXT NOT NULL,
  ready_day_p10    BIGINT NOT NULL DEFAULT 0,
  ready_day_p50    BIGINT NOT NULL DEFAULT 0,
  ready_day_p90    BIGINT NOT NULL DEFAULT 0,
  ready_reason     TEXT NOT NULL DEFAULT '',
  superseded_at_ms BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sukets_nik ON sukets (nik, superseded_at_ms);
)sql"},
      // Kecamatan offices that print cards themselves (card/printing_offices.h); a Dinas always does.
      {16, "printing offices", R"sql(
CREATE TABLE printing_offices (
  office_code    TEXT PRIMARY KEY,
  registered_by  TEXT NOT NULL,
  since_ms       BIGINT NOT NULL
);
)sql"},
      // The chip (card/chip_register.h): the CSCA and Document Signer certificates (their keys stay
      // in the HSM), signatures counted per Document Signer, and each personalised chip's serial
      // beside its blanko and NIK.
      {17, "chip issuer", R"sql(
CREATE TABLE chip_certificates (
  label           TEXT PRIMARY KEY,
  kind            TEXT NOT NULL,
  period          TEXT NOT NULL DEFAULT '',
  certificate     {BLOB} NOT NULL,
  not_before_s    BIGINT NOT NULL,
  not_after_s     BIGINT NOT NULL,
  signatures      BIGINT NOT NULL DEFAULT 0,
  created_at_ms   BIGINT NOT NULL
);
CREATE INDEX chip_certificates_kind ON chip_certificates (kind, period);
CREATE TABLE chip_personalisations (
  chip_serial        TEXT PRIMARY KEY,
  blanko_serial      BIGINT NOT NULL UNIQUE,
  nik                TEXT NOT NULL,
  print_request      BIGINT NOT NULL,
  document_signer    TEXT NOT NULL,
  sod_sha256         TEXT NOT NULL,
  personalised_by    TEXT NOT NULL,
  personalised_at_ms BIGINT NOT NULL
);
CREATE INDEX chip_personalisations_nik ON chip_personalisations (nik, personalised_at_ms);
CREATE TABLE chip_revocation_lists (
  number          BIGINT PRIMARY KEY,
  issued_at_s     BIGINT NOT NULL,
  next_update_s   BIGINT NOT NULL,
  signed_list     TEXT NOT NULL
);
)sql"},
      // Agencies (agency/agency_registry.h): each with its agreements (PKS: fields, operations,
      // regions, daily quota, validity), its API keys (only their SHA-256 is kept;
      // agency/agency_keys.h) and its calls counted per Jakarta day (agency/agency_quota.h).
      // Field, operation and region sets are comma-separated ids; purposes one per line.
      {18, "agencies", R"sql(
CREATE TABLE agencies (
  code            TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  kind            TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  created_at_ms   BIGINT NOT NULL
);
CREATE TABLE agency_agreements (
  id               {ID},
  agency_code      TEXT NOT NULL,
  number           TEXT NOT NULL,
  purposes         TEXT NOT NULL,
  verify_fields    TEXT NOT NULL,
  retrieve_fields  TEXT NOT NULL,
  operations       TEXT NOT NULL,
  regions          TEXT NOT NULL,
  name_score       INTEGER NOT NULL,
  daily_quota      BIGINT NOT NULL,
  valid_from_ms    BIGINT NOT NULL,
  valid_until_ms   BIGINT NOT NULL,
  created_by       TEXT NOT NULL,
  created_at_ms    BIGINT NOT NULL,
  UNIQUE (agency_code, number)
);
CREATE INDEX agency_agreements_agency ON agency_agreements (agency_code, valid_from_ms);
CREATE TABLE agency_api_keys (
  key_id           TEXT PRIMARY KEY,
  agency_code      TEXT NOT NULL,
  secret_sha256    TEXT NOT NULL,
  label            TEXT NOT NULL DEFAULT '',
  issued_by        TEXT NOT NULL,
  issued_at_ms     BIGINT NOT NULL,
  revoked_at_ms    BIGINT NOT NULL DEFAULT 0,
  revoked_by       TEXT NOT NULL DEFAULT '',
  suspended        INTEGER NOT NULL DEFAULT 0,
  suspended_reason TEXT NOT NULL DEFAULT '',
  suspended_at_ms  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX agency_api_keys_agency ON agency_api_keys (agency_code, revoked_at_ms);
CREATE TABLE agency_usage (
  agency_code      TEXT NOT NULL,
  day              BIGINT NOT NULL,
  calls            BIGINT NOT NULL,
  PRIMARY KEY (agency_code, day)
);
CREATE TABLE agency_lookups (
  id               {ID},
  key_id           TEXT NOT NULL,
  nik              TEXT NOT NULL,
  found            INTEGER NOT NULL,
  at_ms            BIGINT NOT NULL
);
CREATE INDEX agency_lookups_key ON agency_lookups (key_id, id);
)sql"},
      // The audit journal (access/audit_journal.h): the segments moved into audit_log, recorded in
      // the transaction that moves them so none is moved twice; a row goes once its file is gone.
      // Reads of one resident's data are found by subject (who looked at me).
      {19, "audit journal", R"sql(
CREATE TABLE audit_journal_moves (
  segment         TEXT PRIMARY KEY,
  entries         BIGINT NOT NULL,
  moved_at_ms     BIGINT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);
)sql"},
      // Residents see who looked (resident/*.h): the PIN each is given at the office (an argon2id
      // hash only, with the wrong attempts made against it), their short sessions (the token's
      // SHA-256 only), and their reports of reads they do not recognise (the audit entry's seq,
      // once per resident and read), open until an admin resolves them.
      {20, "residents see who looked", R"sql(
CREATE TABLE resident_pins (
  nik              TEXT PRIMARY KEY,
  pin_hash         TEXT NOT NULL,
  failed_attempts  INTEGER NOT NULL DEFAULT 0,
  issued_by        TEXT NOT NULL,
  issued_at_ms     BIGINT NOT NULL,
  last_login_at_ms BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE resident_sessions (
  token_hash       TEXT PRIMARY KEY,
  nik              TEXT NOT NULL,
  created_at_ms    BIGINT NOT NULL,
  expires_at_ms    BIGINT NOT NULL
);
CREATE INDEX resident_sessions_nik ON resident_sessions (nik);
CREATE INDEX resident_sessions_expiry ON resident_sessions (expires_at_ms);
CREATE TABLE resident_read_reports (
  id               {ID},
  nik              TEXT NOT NULL,
  audit_seq        BIGINT NOT NULL,
  note             TEXT NOT NULL,
  status           TEXT NOT NULL,
  created_at_ms    BIGINT NOT NULL,
  resolved_by      TEXT NOT NULL DEFAULT '',
  resolution       TEXT NOT NULL DEFAULT '',
  resolved_at_ms   BIGINT NOT NULL DEFAULT 0,
  UNIQUE (nik, audit_seq)
);
CREATE INDEX resident_read_reports_status ON resident_read_reports (status, id);
)sql"},
      // Agencies' event subscriptions (agency/subscription_registry.h)
      // and their outbox (agency/event_outbox.h): one delivery per subscription and civil event,
      // written in the event's transaction with the CloudEvent it carries, then tried by the
      // delivery worker (agency/webhook_delivery.h) on a growing schedule until delivered or
      // dead-lettered; every attempt is kept. Event types and subjects are comma-separated.
      {21, "agency event subscriptions", R"sql(
CREATE TABLE agency_subscriptions (
  id               {ID},
  agency_code      TEXT NOT NULL,
  url              TEXT NOT NULL,
  event_types      TEXT NOT NULL,
  created_by_key   TEXT NOT NULL,
  created_at_ms    BIGINT NOT NULL,
  deleted_at_ms    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX agency_subscriptions_agency ON agency_subscriptions (agency_code, deleted_at_ms);
CREATE TABLE agency_deliveries (
  id                  {ID},
  subscription_id     BIGINT NOT NULL,
  agency_code         TEXT NOT NULL,
  event_id            BIGINT NOT NULL,
  event_type          TEXT NOT NULL,
  cloud_event_id      TEXT NOT NULL,
  subjects            TEXT NOT NULL,
  body                TEXT NOT NULL,
  state               TEXT NOT NULL,
  attempts            INTEGER NOT NULL DEFAULT 0,
  failures            INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms  BIGINT NOT NULL,
  lease_until_ms      BIGINT NOT NULL DEFAULT 0,
  created_at_ms       BIGINT NOT NULL,
  delivered_at_ms     BIGINT NOT NULL DEFAULT 0,
  last_attempt_at_ms  BIGINT NOT NULL DEFAULT 0,
  last_status         INTEGER NOT NULL DEFAULT 0,
  last_error          TEXT NOT NULL DEFAULT '',
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX agency_deliveries_due ON agency_deliveries (state, next_attempt_at_ms);
CREATE INDEX agency_deliveries_agency ON agency_deliveries (agency_code, state, id);
CREATE TABLE agency_delivery_attempts (
  delivery_id      BIGINT NOT NULL,
  attempt          INTEGER NOT NULL,
  at_ms            BIGINT NOT NULL,
  status           INTEGER NOT NULL,
  error            TEXT NOT NULL,
  duration_ms      BIGINT NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);
)sql"},
      // Agency calls (agency/agency_call_ledger.h): calls per agency in 10-minute buckets, the
      // history the off-hours burst watch learns an agency's usual hours from (kept 35 days), and
      // an index to prune looked-up NIKs by age (kept 30 days).
      {22, "agency call buckets", R"sql(
CREATE TABLE agency_call_buckets (
  agency_code      TEXT NOT NULL,
  bucket           BIGINT NOT NULL,
  calls            BIGINT NOT NULL,
  PRIMARY KEY (agency_code, bucket)
);
CREATE INDEX agency_lookups_age ON agency_lookups (at_ms);
)sql"},
      // Bulk matching's reads (bulk_matching/bulk_match_reads.h): one row per person a row of an
      // agency's file touched, under the one hash-chained audit entry of its chunk, whose detail
      // holds the SHA-256 of the chunk's rows; the resident's page reads them by NIK.
      {23, "bulk match reads", R"sql(
CREATE TABLE bulk_match_reads (
  id               {ID},
  audit_seq        BIGINT NOT NULL,
  nik              TEXT NOT NULL,
  row_id           TEXT NOT NULL,
  result           TEXT NOT NULL
);
CREATE INDEX bulk_match_reads_nik ON bulk_match_reads (nik, audit_seq);
)sql"},
      // Bulk-matching jobs (bulk_matching/bulk_job_store.h): an agency's upload, then its job in
      // the background, with the checkpoint it resumes from after a restart.
      {24, "bulk match jobs", R"sql(
CREATE TABLE bulk_match_jobs (
  id               TEXT PRIMARY KEY,
  agency_code      TEXT NOT NULL,
  key_id           TEXT NOT NULL,
  purpose          TEXT NOT NULL,
  file_name        TEXT NOT NULL,
  result_format    TEXT NOT NULL,
  state            TEXT NOT NULL,
  size_bytes       BIGINT NOT NULL,
  received_bytes   BIGINT NOT NULL DEFAULT 0,
  sha256           TEXT NOT NULL,
  rows_done        BIGINT NOT NULL DEFAULT 0,
  chunks_done      BIGINT NOT NULL DEFAULT 0,
  result_counts    TEXT NOT NULL DEFAULT '',
  audited          BIGINT NOT NULL DEFAULT 0,
  result_bytes     BIGINT NOT NULL DEFAULT 0,
  resumed          INTEGER NOT NULL DEFAULT 0,
  created_at_ms    BIGINT NOT NULL,
  updated_at_ms    BIGINT NOT NULL,
  started_at_ms    BIGINT NOT NULL DEFAULT 0,
  finished_at_ms   BIGINT NOT NULL DEFAULT 0,
  error_reason     TEXT NOT NULL DEFAULT '',
  error_message    TEXT NOT NULL DEFAULT '',
  summary          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bulk_match_jobs_agency ON bulk_match_jobs (agency_code, created_at_ms);
CREATE INDEX bulk_match_jobs_file ON bulk_match_jobs (agency_code, sha256);
CREATE INDEX bulk_match_jobs_state ON bulk_match_jobs (state, created_at_ms);
)sql"},
  };
  return migrations;
}

}  // namespace ektp::store
