-- The first schema of the district hub: schools, one-time enrolment codes, enrolled kiosks with
-- their device keys, the nonces of signed requests (replays), kiosk events and heartbeats.
CREATE TABLE schools (
    id   text PRIMARY KEY,
    name text NOT NULL
);

-- Codes are shown once and stored only as their SHA-256, single use, short-lived.
CREATE TABLE enrolment_codes (
    code_hash  text PRIMARY KEY,
    school     text NOT NULL REFERENCES schools (id),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE TABLE kiosks (
    id          text PRIMARY KEY,
    school      text NOT NULL REFERENCES schools (id),
    name        text NOT NULL,
    public_key  text NOT NULL UNIQUE,
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- Every accepted request's nonce, for as long as its time could still be accepted: a replay
-- inserts nothing and is refused, whichever hub process receives it.
CREATE TABLE request_nonces (
    kiosk   text NOT NULL REFERENCES kiosks (id),
    nonce   text NOT NULL,
    seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kiosk, nonce)
);
CREATE INDEX request_nonces_seen_at ON request_nonces (seen_at);

-- A kiosk's numbered events; the first copy of a number is kept, later copies acknowledged.
CREATE TABLE kiosk_events (
    kiosk       text NOT NULL REFERENCES kiosks (id),
    seq         bigint NOT NULL,
    kind        text NOT NULL,
    happened_at timestamptz NOT NULL,
    body        jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kiosk, seq)
);
CREATE INDEX kiosk_events_received_at ON kiosk_events (received_at);

CREATE TABLE heartbeats (
    kiosk       text PRIMARY KEY REFERENCES kiosks (id),
    report      jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
