-- A ladder spread over workers: one task per rendition (part = its rung) and the output's own task, which encodes
-- the audio and packages the renditions once none of its parts is unfinished (waiting_on = 0).
ALTER TABLE tasks ADD COLUMN part INTEGER;
ALTER TABLE tasks ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN waiting_on INTEGER NOT NULL DEFAULT 0;
