-- A counter each staff change of a sign-up raises: the record's ETag, so that two people
-- editing one record cannot overwrite each other (If-Match is compared and set in the
-- same UPDATE or DELETE).
ALTER TABLE memberships ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
