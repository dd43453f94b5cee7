DROP TABLE membership_challenges_used;
DROP TABLE memberships;
