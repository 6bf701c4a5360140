package io.nommer.server.api;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Keeps where this server keeps its data out of what clients see: files in its own storage are shown as
 * {@code storage:outputs/JOB/OUTPUT/FILE} (the {@code url} next to them downloads them), and error messages, ffmpeg
 * log tails and timeline entries show its data directory as {@code <data>}. Where a client's own destination folder
 * is, the client chose and may see.
 */
public final class ServerPaths {
    private final String dataUri;
    private final String dataPath;

    /** @param dataDir the {@code data} directory; null shows everything as it is */
    public ServerPaths(Path dataDir) {
        if (dataDir == null) {
            dataUri = null;
            dataPath = null;
            return;
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            dir = dir.toRealPath();
        } catch (IOException notThereYet) {
            // shown as configured
        }
        String uri = dir.toUri().toString();
        dataUri = uri.endsWith("/") ? uri : uri + "/";
        dataPath = dir + "/";
    }

    /** A file's URI as clients see it. */
    public String uri(String uri) {
        return uri != null && dataUri != null && uri.startsWith(dataUri)
                ? "storage:" + uri.substring(dataUri.length())
                : uri;
    }

    /** A message or log as clients see it. */
    public String text(String text) {
        if (text == null || dataUri == null) {
            return text;
        }
        return text.replace(dataUri, "storage:").replace(dataPath, "<data>/");
    }
}
