package io.nommer.core.storage;

import java.nio.file.Path;

/**
 * An input made available as a local file for one task.
 *
 * @param temporary true when the file was fetched into the task's working directory (and goes with it)
 */
public record LocalInput(Path file, long size, boolean temporary) {}
