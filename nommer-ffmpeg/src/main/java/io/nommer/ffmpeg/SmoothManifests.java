package io.nommer.ffmpeg;

import io.nommer.core.compile.StreamRates;
import io.nommer.ffmpeg.IsmvIndex.Fragment;
import io.nommer.ffmpeg.IsmvIndex.Track;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The two Smooth Streaming manifests of a .ismv, written from the file itself (see {@link IsmvIndex}): the client
 * manifest (.ismc) lists every fragment's start time exactly as the file's tfxd boxes state it, so a client's
 * {@code QualityLevels(b)/Fragments(video=t)} names a fragment an IIS-style origin finds; the server manifest (.ism)
 * maps each bitrate to its track ID. Bitrates are the tracks' measured peak fragment rates, kept distinct within a
 * stream type because they are the names clients address quality levels by.
 */
final class SmoothManifests {
    /** Smooth Streaming's default and ffmpeg's ismv timescale: 100 ns units. */
    static final long TIMESCALE = 10_000_000;

    private SmoothManifests() {}

    /** A track with the bitrate both manifests give it. */
    record Level(Track track, long bitrate) {}

    /** The client manifest (.ismc) of {@code index}. */
    static String client(IsmvIndex index) throws IOException {
        List<Level> levels = levels(index);
        long duration = 0;
        StringBuilder body = new StringBuilder();
        for (String type : List.of("video", "audio")) {
            List<Level> ofType =
                    levels.stream().filter(l -> l.track().type().equals(type)).toList();
            if (ofType.isEmpty()) {
                continue;
            }
            List<Fragment> chunks = alignedChunks(index, ofType);
            Fragment last = chunks.getLast();
            duration = Math.max(duration, last.time() + last.duration());
            Track first = ofType.getFirst().track();
            body.append(String.format(
                    Locale.ROOT,
                    "  <StreamIndex Type=\"%s\" Name=\"%s\" Chunks=\"%d\" QualityLevels=\"%d\"",
                    type,
                    type,
                    chunks.size(),
                    ofType.size()));
            if (type.equals("video")) {
                int w = ofType.stream().mapToInt(l -> l.track().width()).max().orElseThrow();
                int h = ofType.stream().mapToInt(l -> l.track().height()).max().orElseThrow();
                body.append(String.format(
                        Locale.ROOT,
                        " MaxWidth=\"%d\" MaxHeight=\"%d\" DisplayWidth=\"%d\" DisplayHeight=\"%d\"",
                        w,
                        h,
                        first.width(),
                        first.height()));
            }
            body.append(" Url=\"QualityLevels({bitrate})/Fragments(")
                    .append(type)
                    .append("={start time})\">\n");
            for (int i = 0; i < ofType.size(); i++) {
                body.append(qualityLevel(i, ofType.get(i)));
            }
            for (Fragment c : chunks) {
                body.append(String.format(Locale.ROOT, "    <c t=\"%d\" d=\"%d\"/>\n", c.time(), c.duration()));
            }
            body.append("  </StreamIndex>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + String.format(
                        Locale.ROOT,
                        "<SmoothStreamingMedia MajorVersion=\"2\" MinorVersion=\"0\" TimeScale=\"%d\" Duration=\"%d\">%n",
                        TIMESCALE,
                        duration)
                + body
                + "</SmoothStreamingMedia>\n";
    }

    /** The server manifest (.ism, SMIL) of {@code index}, published as {@code mediaName} beside {@code clientName}. */
    static String server(IsmvIndex index, String mediaName, String clientName) throws IOException {
        StringBuilder s = new StringBuilder()
                .append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
                .append("<smil xmlns=\"http://www.w3.org/2001/SMIL20/Language\">\n")
                .append("  <head>\n")
                .append("    <meta name=\"clientManifestRelativePath\" content=\"")
                .append(xml(clientName))
                .append("\"/>\n")
                .append("  </head>\n")
                .append("  <body>\n")
                .append("    <switch>\n");
        for (Level l : levels(index)) {
            String type = l.track().type();
            s.append(String.format(
                    Locale.ROOT,
                    "      <%s src=\"%s\" systemBitrate=\"%d\">%n"
                            + "        <param name=\"trackID\" value=\"%d\" valuetype=\"data\"/>%n"
                            + "        <param name=\"trackName\" value=\"%s\" valuetype=\"data\"/>%n"
                            + "      </%s>%n",
                    type,
                    xml(mediaName),
                    l.bitrate(),
                    l.track().id(),
                    type,
                    type));
        }
        return s.append("    </switch>\n  </body>\n</smil>\n").toString();
    }

    /** Video tracks first, then audio, each with its measured bitrate. */
    static List<Level> levels(IsmvIndex index) throws IOException {
        List<Level> levels = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (String type : List.of("video", "audio")) {
            for (Track t : index.tracks()) {
                if (!t.type().equals(type)) {
                    continue;
                }
                if (t.timescale() != TIMESCALE) {
                    throw new IOException("track " + t.id() + " has timescale " + t.timescale() + ", not " + TIMESCALE);
                }
                long bitrate = peak(index.fragments(t.id()));
                while (!taken.add(type + bitrate)) {
                    bitrate++;
                }
                levels.add(new Level(t, bitrate));
            }
        }
        if (levels.isEmpty()) {
            throw new IOException("the media has no video or audio track");
        }
        return levels;
    }

    private static long peak(List<Fragment> fragments) throws IOException {
        if (fragments.isEmpty()) {
            throw new IOException("a track without fragments");
        }
        List<StreamRates.Segment> segments = fragments.stream()
                .map(f -> new StreamRates.Segment((double) f.duration() / TIMESCALE, f.size()))
                .toList();
        double longest = segments.stream()
                .mapToDouble(StreamRates.Segment::seconds)
                .max()
                .orElseThrow();
        return StreamRates.hls(segments, longest).peak();
    }

    /**
     * The chunks a stream index lists: its tracks' fragments, which must start at the same times in every quality
     * level (clients switch levels at chunk boundaries) and never before zero.
     */
    private static List<Fragment> alignedChunks(IsmvIndex index, List<Level> levels) throws IOException {
        List<Fragment> chunks = index.fragments(levels.getFirst().track().id());
        for (Level l : levels) {
            List<Long> times =
                    index.fragments(l.track().id()).stream().map(Fragment::time).toList();
            if (!times.equals(chunks.stream().map(Fragment::time).toList())) {
                throw new IOException("the " + l.track().type() + " tracks' fragments start at different times");
            }
        }
        for (Fragment f : chunks) {
            if (f.time() < 0) {
                throw new IOException(
                        "track " + f.trackId() + " has a fragment starting before zero (" + f.time() + ")");
            }
        }
        return chunks;
    }

    private static String qualityLevel(int index, Level l) {
        Track t = l.track();
        String codec = HexFormat.of().withUpperCase().formatHex(t.codecPrivateData());
        if (t.type().equals("video")) {
            return String.format(
                    Locale.ROOT,
                    "    <QualityLevel Index=\"%d\" Bitrate=\"%d\" FourCC=\"%s\" MaxWidth=\"%d\" MaxHeight=\"%d\""
                            + " CodecPrivateData=\"%s\"/>%n",
                    index,
                    l.bitrate(),
                    t.fourCc(),
                    t.width(),
                    t.height(),
                    codec);
        }
        return String.format(
                Locale.ROOT,
                "    <QualityLevel Index=\"%d\" Bitrate=\"%d\" FourCC=\"%s\" SamplingRate=\"%d\" Channels=\"%d\""
                        + " BitsPerSample=\"%d\" PacketSize=\"%d\" AudioTag=\"255\" CodecPrivateData=\"%s\"/>%n",
                index,
                l.bitrate(),
                t.fourCc(),
                t.sampleRate(),
                t.channels(),
                t.bitsPerSample(),
                t.channels() * t.bitsPerSample() / 8,
                codec);
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;")
                .replace("\"", "&quot;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
    }
}
