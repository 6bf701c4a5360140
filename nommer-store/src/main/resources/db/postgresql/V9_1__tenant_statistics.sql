-- PostgreSQL only: the tenant column V9 added gets the small sample V7 gives the columns queries filter on.
ALTER TABLE jobs ALTER COLUMN tenant SET STATISTICS 10;
