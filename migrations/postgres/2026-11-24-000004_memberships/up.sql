-- Sign-ups from the public form. A repeated sign-up with an e-mail seen before is a new
-- row pointing at the first one (`duplicate_of`); nothing is ever overwritten.
CREATE TABLE memberships (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    organisation TEXT,
    sector TEXT NOT NULL,
    role TEXT NOT NULL,
    contribution TEXT NOT NULL,
    consent_at TIMESTAMP NOT NULL,
    consent_version TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    duplicate_of TEXT REFERENCES memberships(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX memberships_email ON memberships(email);
CREATE INDEX memberships_status ON memberships(status, id);
CREATE INDEX memberships_duplicate_of ON memberships(duplicate_of);

-- Nonces of challenges that were answered, so each challenge works once. Rows are kept
-- until the challenge would have expired anyway.
CREATE TABLE membership_challenges_used (
    nonce TEXT PRIMARY KEY NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX membership_challenges_used_expires ON membership_challenges_used(expires_at);
