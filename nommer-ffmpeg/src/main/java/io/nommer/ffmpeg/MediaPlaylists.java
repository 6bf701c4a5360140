package io.nommer.ffmpeg;

import io.nommer.core.compile.StreamRates;
import io.nommer.core.compile.StreamRates.Segment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads back the HLS media playlists ffmpeg wrote, to measure what their segments carry. */
final class MediaPlaylists {
    private MediaPlaylists() {}

    /** The rates of the media playlist at {@code playlist}, from its EXTINF durations and its segment files' sizes. */
    static StreamRates rates(Path playlist) throws IOException {
        double target = 0;
        Double pending = null;
        List<Segment> segments = new ArrayList<>();
        for (String raw : Files.readAllLines(playlist, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                target = number(line.substring("#EXT-X-TARGETDURATION:".length()), playlist);
            } else if (line.startsWith("#EXTINF:")) {
                String value = line.substring("#EXTINF:".length());
                int comma = value.indexOf(',');
                pending = number(comma < 0 ? value : value.substring(0, comma), playlist);
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                if (pending == null) {
                    throw new IOException(playlist + " lists " + line + " without an EXTINF");
                }
                Path segment = playlist.resolveSibling(line);
                if (!Files.isRegularFile(segment)) {
                    throw new IOException(playlist + " lists " + line + ", which was not written");
                }
                segments.add(new Segment(pending, Files.size(segment)));
                pending = null;
            }
        }
        if (segments.isEmpty() || target <= 0) {
            throw new IOException(playlist + " has no segments or no target duration");
        }
        return StreamRates.hls(segments, target);
    }

    private static double number(String s, Path playlist) throws IOException {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new IOException(playlist + " has a malformed number: " + s, e);
        }
    }
}
