package io.nommer.server.players;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.nommer.ffmpeg.testing.FragmentIndex;
import io.nommer.ffmpeg.testing.StreamingFiles;
import io.nommer.ffmpeg.testing.StreamingFiles.IsmcStream;
import io.nommer.ffmpeg.testing.StreamingFiles.SmilTrack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A Smooth Streaming origin for one presentation, answering the way IIS Media Services does and no more leniently:
 *
 * <ul>
 *   <li>{@code <name>.ism/Manifest}: the client manifest (.ismc) the server manifest (.ism) names;
 *   <li>{@code <name>.ism/QualityLevels(<bitrate>)/Fragments(<stream>=<time>)}: the .ism maps the bitrate to a track
 *       of the stream's type (its {@code systemBitrate} and {@code trackID}); the time must be exactly a chunk start
 *       the .ismc lists for that stream; the answer is that track's fragment at that time, found through the .ismv's
 *       mfra/tfra index ({@link FragmentIndex}).
 * </ul>
 *
 * Anything else is a 404 whose reason names what did not match, so that a player failing on a missing fragment
 * shows why. The files are read on every request: they are small, and a broken file then fails the one request.
 */
final class SmoothOrigin implements HttpHandler {
    private static final Pattern FRAGMENT =
            Pattern.compile("QualityLevels\\((\\d+)\\)/Fragments\\(([^=()]+)=(\\d+)\\)", Pattern.CASE_INSENSITIVE);

    private final String prefix;
    private final Path ism;

    /** Serves {@code ism} (with the .ismc and .ismv beside it) as {@code <prefix><ism file name>/...}. */
    SmoothOrigin(String prefix, Path ism) {
        this.prefix = prefix;
        this.ism = ism;
    }

    private static final class NotFound extends Exception {
        NotFound(String why) {
            super(why);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String presentation = ism.getFileName() + "/";
        String path = ex.getRequestURI().getPath().substring(prefix.length());
        if (!path.startsWith(presentation)) {
            LocalServer.refuse(ex, 404, "not under " + prefix + presentation);
            return;
        }
        String resource = path.substring(presentation.length());
        try {
            if (resource.equalsIgnoreCase("Manifest")) {
                LocalServer.send(ex, 200, "text/xml; charset=utf-8", Files.readAllBytes(clientManifest()));
                return;
            }
            Matcher m = FRAGMENT.matcher(resource);
            if (!m.matches()) {
                throw new NotFound("not a Manifest or QualityLevels(..)/Fragments(..) request");
            }
            IsmcStream stream = stream(m.group(2));
            byte[] fragment = fragment(stream, Long.parseLong(m.group(1)), Long.parseLong(m.group(3)));
            LocalServer.send(ex, 200, stream.type() + "/mp4", fragment);
        } catch (NotFound e) {
            LocalServer.refuse(ex, 404, resource + ": " + e.getMessage());
        } catch (RuntimeException | AssertionError e) {
            // why: a file this origin cannot read fails the one request, with the reason in the request log
            LocalServer.refuse(ex, 500, resource + ": " + e);
        }
    }

    private byte[] fragment(IsmcStream stream, long bitrate, long time) throws NotFound {
        List<SmilTrack> ofType = StreamingFiles.smilTracks(ism).stream()
                .filter(t -> t.type().equals(stream.type()))
                .toList();
        SmilTrack track = ofType.stream()
                .filter(t -> t.systemBitrate() == bitrate)
                .findFirst()
                .orElseThrow(() -> new NotFound(
                        "the .ism has no " + stream.type() + " track of systemBitrate " + bitrate + " (it has "
                                + ofType.stream().map(SmilTrack::systemBitrate).toList() + ")"));
        if (!stream.starts().contains(time)) {
            throw new NotFound(time + " is not a chunk start of the .ismc's " + stream.name() + " stream (starts: "
                    + stream.starts() + ")");
        }
        FragmentIndex index = FragmentIndex.read(ism.resolveSibling(track.src()));
        Optional<byte[]> fragment = index.fragment(track.trackId(), time);
        if (fragment.isEmpty()) {
            throw new NotFound("track " + track.trackId() + " of " + track.src() + " has no fragment at " + time
                    + " (its tfra lists " + index.times(track.trackId()) + ")");
        }
        return fragment.get();
    }

    private Path clientManifest() {
        NodeList metas = StreamingFiles.xml(ism).getElementsByTagName("meta");
        for (int i = 0; i < metas.getLength(); i++) {
            Element meta = (Element) metas.item(i);
            if (meta.getAttribute("name").equals("clientManifestRelativePath")) {
                return ism.resolveSibling(meta.getAttribute("content"));
            }
        }
        throw new IllegalArgumentException(ism.getFileName() + " does not name its client manifest");
    }

    private IsmcStream stream(String name) throws NotFound {
        List<IsmcStream> streams = StreamingFiles.ismcStreams(clientManifest());
        return streams.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new NotFound("the .ismc has no stream " + name + " (it has "
                        + streams.stream().map(IsmcStream::name).toList() + ")"));
    }
}
