-- Stacks (issue 15): named, versioned toolchains that outputs are pinned to.
--
-- A task carries the stack it runs on (resolved when its job was submitted; NULL for tasks queued before this
-- version, which any worker takes) and, once a worker started it, the exact version of each tool of that stack (JSON).
-- A worker reports the stacks it has (JSON), which claims and GET /v1/stacks read.
ALTER TABLE tasks ADD COLUMN stack TEXT;
ALTER TABLE tasks ADD COLUMN tools TEXT;
ALTER TABLE workers ADD COLUMN stacks TEXT;
