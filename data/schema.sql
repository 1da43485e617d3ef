-- schema.sql - the tidings store (SQLite), schema version 6 (PRAGMA user_version).
--
-- This file is the documented source; src/store_schema.c holds the same text
-- as a C string (tests/unit/test_store.c checks that both are identical).
-- Spans are [start, end) byte offsets into the document's base text, as in
-- the record (see DESIGN.md); every span has its text beside it.
-- Relations: every fact row has `doc` (documents.doc); mentions.entity and
-- quotes.speaker_entity point to entities.entity.

-- One row per document; `id` is its identity.
CREATE TABLE documents (
    doc            INTEGER PRIMARY KEY,      -- row number (FTS rowid)
    id             TEXT NOT NULL UNIQUE,     -- the record's id
    hash           TEXT NOT NULL,            -- hash of the content (text, title, date, url)
    record_hash    TEXT NOT NULL,            -- hash of the stored record (but its source)
    date           TEXT,                     -- "2022-11-18", "2022-11", "2022" or NULL
    date_precision TEXT NOT NULL DEFAULT 'unknown', -- day, month, year, unknown
    date_lo        TEXT,                     -- first day the date may be (YYYY-MM-DD)
    date_hi        TEXT,                     -- last day the date may be
    date_source    TEXT,                     -- input, header, dateline, metadata, text, corpus
    date_header    TEXT,                     -- the crawler header's date as written
    date_note      TEXT,                     -- why the date is what it is
    lang           TEXT,
    title          TEXT,
    url            TEXT,
    source_path    TEXT,
    source_offset  INTEGER,
    source_line    INTEGER,
    warc_record_id TEXT,
    ingested_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- the long columns last, so that reading the short ones stays cheap
    caption        TEXT,
    body           TEXT NOT NULL DEFAULT '', -- the record's "text": body paragraphs
    record         BLOB NOT NULL,            -- the whole JSON record, compressed (below)
    record_size    INTEGER NOT NULL DEFAULT 0 -- its size in bytes (version 5)
);
-- The record is stored as the sqlite3 shell's sqlar extension stores a
-- file: zlib-compressed, or as it is when that is not smaller. Read it with
--   SELECT sqlar_uncompress(record, record_size) FROM documents WHERE id = ...;
CREATE INDEX documents_date ON documents (date_lo, date_hi);
CREATE INDEX documents_url ON documents (url);
-- The dates of every document in a small covering index, so that
-- quotes and timeline queries, which join thousands of facts to their
-- document's date, read this index and not the wide rows (queries name it
-- with INDEXED BY).
CREATE INDEX documents_dates ON documents (doc, date_lo, date_hi, date_precision, date);

-- Canonical entities, merged across documents: same folded full name (case,
-- diacritics and transliteration variants folded: Sergei = Sergey), same
-- type, same country. A person known by one word only (a bare surname) is
-- kept to its document (scope = that doc) and never merges across documents.
CREATE TABLE entities (
    entity  INTEGER PRIMARY KEY,
    type    TEXT NOT NULL,               -- person, country, location, organization, group
    name    TEXT NOT NULL,               -- canonical name, as first seen
    key     TEXT NOT NULL,               -- folded name: the merge key
    last    TEXT NOT NULL DEFAULT '',    -- folded last word of a person's name
    country TEXT NOT NULL DEFAULT '',    -- ISO 3166-1 alpha-2 or ''
    scope   INTEGER NOT NULL DEFAULT 0,  -- 0: shared; else the doc of a bare surname
    role    TEXT,
    acronym TEXT,
    cameo   TEXT,                        -- CAMEO actor code, when known
    UNIQUE (key, type, country, scope)
);
-- (last, scope): a surname's shared entities without its bare-surname ones
-- (one per document) (version 4)
CREATE INDEX entities_last ON entities (last, scope);
-- (key, scope): a name's shared entities without its bare-surname ones
-- (version 5)
CREATE INDEX entities_key ON entities (key, scope);
CREATE INDEX entities_scope ON entities (scope) WHERE scope <> 0;
CREATE INDEX entities_acronym ON entities (lower(acronym)); -- version 3

-- The mentions of an entity in a document: one row per entity of the
-- record (version 5), with all its mentions in `spans`. The rows of a
-- document are stored together (WITHOUT ROWID, keyed by doc). One row per
-- mention, as `tidings export --table mentions` writes them:
--   SELECT m.doc, m.entity, m.local, j.value ->> 0 AS span_start,
--          j.value ->> 1 AS span_end, j.value ->> 2 AS text, j.value ->> 3 AS form
--   FROM mentions m, json_each(m.spans) j;
CREATE TABLE mentions (
    doc        INTEGER NOT NULL,         -- documents.doc
    ord        INTEGER NOT NULL,         -- the entity's place in the record's list (0, 1, ...)
    local      INTEGER NOT NULL,         -- the entity's id inside the record
    entity     INTEGER NOT NULL,         -- entities.entity
    count      INTEGER NOT NULL,         -- how many mentions
    span_start INTEGER NOT NULL,         -- where the first one starts
    spans      TEXT NOT NULL,            -- JSON [[span_start, span_end, "text", "form"], ...]
                                         -- form: name, acronym, demonym, metonym, pronoun, nominal
    PRIMARY KEY (doc, ord)
) WITHOUT ROWID;
-- (entity, doc, count): timeline and entities sum the counts from the index
-- alone
CREATE INDEX mentions_entity ON mentions (entity, doc, count);

-- Who said what: one row per attribution. A quote's id is its place in
-- date order (version 5): (Julian day number of date_lo) * 2^31 + its number
-- on that day (1, 2, ... as stored; day 0 for undated documents), so that
-- the table, every index on it and quotes_fts list quotes oldest first by
-- rowid, and "the first 50 quotes of a speaker" or "about a word" read 50
-- index entries, not all the matches and a sort. Ids stay below 2^53 (exact
-- as JSON numbers in every language) for dates before the year 6700.
--   SELECT date((quote >> 31) + 0.5) FROM quotes  -- gives the day back
CREATE TABLE quotes (
    quote          INTEGER PRIMARY KEY,      -- (julianday(date_lo) << 31) + n
    doc            INTEGER NOT NULL,
    kind           TEXT NOT NULL,        -- direct, mixed, reported
    span_start     INTEGER NOT NULL,
    span_end       INTEGER NOT NULL,
    text           TEXT NOT NULL,
    spans          TEXT,                 -- JSON [[s,e],...] of a split quote, or NULL
    speaker_entity INTEGER,              -- entities.entity, NULL when unresolved
    speaker_name   TEXT,                 -- canonical name, never a pronoun
    speaker_key    TEXT,                 -- folded speaker_name
    speaker_last   TEXT,                 -- folded last word of speaker_name
    speaker_start  INTEGER,
    speaker_end    INTEGER,
    speaker_text   TEXT,                 -- the local mention ("he")
    cue_start      INTEGER,
    cue_end        INTEGER,
    cue_text       TEXT,
    date_lo        TEXT                  -- documents.date_lo of its document (version 4)
);
CREATE INDEX quotes_doc ON quotes (doc);
-- The speaker indexes end, as every index does, with the rowid: for one
-- speaker they are in date order.
CREATE INDEX quotes_speaker ON quotes (speaker_entity);
CREATE INDEX quotes_speaker_key ON quotes (speaker_key);
CREATE INDEX quotes_speaker_last ON quotes (speaker_last);

-- Time expressions (TIMEX3).
CREATE TABLE times (
    doc        INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    type       TEXT NOT NULL,            -- DATE, TIME, DURATION, SET
    value      TEXT,
    mod        TEXT
);
CREATE INDEX times_doc ON times (doc);

-- Coded events (CAMEO).
CREATE TABLE events (
    doc        INTEGER NOT NULL,
    actor      TEXT,
    target     TEXT,
    code       TEXT,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    quad_class INTEGER,
    goldstein  REAL
);
CREATE INDEX events_doc ON events (doc);
CREATE INDEX events_actor ON events (actor);
CREATE INDEX events_target ON events (target);

-- Full-text search over title and body, with external content (the text
-- is stored once, in documents; quotes are part of the body). Tokenizer: unicode61 with
-- remove_diacritics 2 (Türkiye matches turkiye); '.' separates tokens, so
-- "U.S." is the two tokens "u" "s" and the phrase "U.S." matches it.
-- tidings keeps both indexes in step with their tables itself (no
-- triggers: a trigger writing FTS5 makes SQLite open a statement savepoint
-- per row, and FTS5 flushes a segment at every savepoint). After editing
-- documents or quotes by hand, rebuild them:
--   INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');
--   INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    title, body,
    content = 'documents', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- Full-text search over each quote (tidings quotes --about).
CREATE VIRTUAL TABLE quotes_fts USING fts5 (
    text,
    content = 'quotes', content_rowid = 'quote',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- FTS5 keeps the terms of new rows in memory up to `hashsize` bytes, then
-- writes them out as a segment that later merges rewrite: 16 MB instead of
-- 1 MB makes a batch of documents a few large segments rather than many
-- small ones (version 6).
INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO quotes_fts (quotes_fts, rank) VALUES ('hashsize', 16777216);
