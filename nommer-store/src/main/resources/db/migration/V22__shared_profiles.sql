-- One copy of each built-in preset's profile that tasks use as it is; such a task's row keeps a reference to it
-- ('@' + the preset's name + ':' + a hash of the JSON, SharedProfiles) instead of the JSON itself, which was most of
-- the row (329 of 620 bytes for mp4-h264, in the WAL of every new task). A row here is never changed or deleted: it
-- is one version of one built-in preset, so there are a handful of them, and a task queued before a release that
-- changes a preset keeps the settings it was submitted with. Tasks written before this migration keep their JSON.
CREATE TABLE shared_profiles (
    ref        ${id_text} NOT NULL PRIMARY KEY,
    profile    TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
