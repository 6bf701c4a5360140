-- An output published into a destination folder is found by its folder and name, so that a new job cannot publish
-- over the files of another job's output (JdbcJobStore refuses it). Not unique: stores from before this check may
-- already hold two outputs with one destination and name, and failed or cancelled outputs give their place up.
CREATE INDEX tasks_by_destination ON tasks (destination, name) WHERE destination IS NOT NULL AND part IS NULL;
