-- The portal's own bookkeeping (see state.go): the demo token secret and whether the
-- demo data was seeded. The members schema belongs to members/sqlstore.
CREATE TABLE portal_state (
	name  VARCHAR(63)  NOT NULL PRIMARY KEY,
	value VARCHAR(255) NOT NULL
);
