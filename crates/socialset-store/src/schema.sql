-- socialset store, schema version 1.
-- Accounts are interned to an integer `idx` (the rowid); edge tables refer to it.
-- A missing time is stored as the sentinel -9223372036854775808 (i64::MIN) so that edge keys
-- (src, dst, kind, at) stay unique: SQLite treats NULLs in a key as all distinct. The sentinel
-- never leaves this crate: readers turn it back into "unknown".

CREATE TABLE accounts (
    idx         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    platform    TEXT,
    handle      TEXT,
    name        TEXT,
    followers   INTEGER,
    following   INTEGER,
    posts_count INTEGER,
    created_at  INTEGER,
    bio         TEXT,
    verified    INTEGER,
    lang        TEXT,
    is_brand    INTEGER
);

CREATE TABLE follows (
    src INTEGER NOT NULL,
    dst INTEGER NOT NULL,
    at  INTEGER NOT NULL,
    PRIMARY KEY (src, dst)
) WITHOUT ROWID;

CREATE TABLE posts (
    idx      INTEGER PRIMARY KEY,
    id       TEXT NOT NULL UNIQUE,
    author   INTEGER NOT NULL,
    at       INTEGER,
    text     TEXT,
    lang     TEXT,
    reply_to TEXT,
    share_of TEXT,
    quote_of TEXT,
    mentions TEXT,   -- JSON array of account ids
    hashtags TEXT,   -- JSON array of lower-case tags without '#'
    urls     TEXT,   -- JSON array
    likes    INTEGER,
    shares   INTEGER,
    replies  INTEGER,
    views    INTEGER
);
CREATE INDEX posts_author ON posts (author);

CREATE TABLE interactions (
    src    INTEGER NOT NULL,
    dst    INTEGER NOT NULL,
    kind   INTEGER NOT NULL,  -- InteractionKind::code
    at     INTEGER NOT NULL,
    post   TEXT,
    weight REAL NOT NULL,
    PRIMARY KEY (src, dst, kind, at)
) WITHOUT ROWID;

CREATE TABLE ratings (
    src   INTEGER NOT NULL,
    dst   INTEGER NOT NULL,
    at    INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (src, dst, at)
) WITHOUT ROWID;

CREATE TABLE conversions (
    campaign  TEXT NOT NULL,
    member    INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    at        INTEGER NOT NULL,
    code      TEXT NOT NULL,    -- '' when there is none
    value_eur REAL,
    PRIMARY KEY (campaign, member, kind, at, code)
) WITHOUT ROWID;

-- Facts about the store itself (e.g. that `socialset demo` made it).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
