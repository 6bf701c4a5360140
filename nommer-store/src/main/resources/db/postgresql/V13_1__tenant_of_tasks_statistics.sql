-- PostgreSQL only. Claims filter and sort on the task's tenant and fair tag (V13): the small sample V7 gives such
-- columns. (Unlike the ids V6 made bytewise, the tenant keeps the database's collation: claims join it with
-- tenants.name, and a comparison of two collations fails.)
ALTER TABLE tasks
    ALTER COLUMN tenant SET STATISTICS 10,
    ALTER COLUMN fair_tag SET STATISTICS 10;
