-- Lists page by keyset in byte order: WHERE id COLLATE "C" > $after ORDER BY id
-- COLLATE "C" LIMIT n. PostgreSQL serves such a page from an index only when the
-- index column has the same collation, and the columns use the database's default;
-- without these, every page scanned and sorted the whole table (every tenant's
-- rows). SQLite needs nothing: its default collation, BINARY, is byte order.
CREATE INDEX organizations_id_c_idx ON organizations (id COLLATE "C");
CREATE INDEX projects_org_id_c_idx ON projects (org_id, id COLLATE "C");
CREATE INDEX accounts_org_id_c_idx ON accounts (org_id, id COLLATE "C");
CREATE INDEX memberships_org_identity_c_idx ON memberships (org_id, identity_id COLLATE "C");
CREATE INDEX memberships_identity_org_c_idx ON memberships (identity_id, org_id COLLATE "C");
CREATE INDEX invitations_org_id_c_idx ON invitations (org_id, id COLLATE "C");
CREATE INDEX invitations_email_id_c_idx ON invitations (email, id COLLATE "C");
CREATE INDEX invitations_state_id_c_idx ON invitations (state, id COLLATE "C");
CREATE INDEX applications_org_id_c_idx ON applications (org_id, id COLLATE "C");
