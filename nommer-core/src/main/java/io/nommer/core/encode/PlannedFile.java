package io.nommer.core.encode;

import java.nio.file.Path;

/**
 * A file an encode plan will produce.
 *
 * @param role what the file is to the user: {@code video}, {@code audio} or {@code thumbnail}
 */
public record PlannedFile(Path path, String role) {}
