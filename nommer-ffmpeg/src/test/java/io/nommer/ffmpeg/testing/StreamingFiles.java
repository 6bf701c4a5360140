package io.nommer.ffmpeg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Independent readers for what adaptive-streaming outputs contain (tar entries, the names playlists and manifests
 * reference), written from the formats' specifications rather than from the production code, so that tests compare
 * two separate readings of the same files.
 */
public final class StreamingFiles {
    private StreamingFiles() {}

    /** The entries of a ustar archive, in archive order. */
    public static Map<String, byte[]> untar(Path tar) {
        byte[] b = read(tar);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        int pos = 0;
        while (pos + 512 <= b.length) {
            if (isZero(b, pos, 512)) {
                break;
            }
            String name = cString(b, pos, 100);
            long size = Long.parseLong(cString(b, pos + 124, 12).trim(), 8);
            if (b[pos + 156] != '0' && b[pos + 156] != 0) {
                throw new AssertionError("entry " + name + " is not a regular file (type " + (char) b[pos + 156] + ")");
            }
            if (entries.containsKey(name)) {
                throw new AssertionError("duplicate entry " + name);
            }
            byte[] data = new byte[(int) size];
            System.arraycopy(b, pos + 512, data, 0, (int) size);
            entries.put(name, data);
            pos += 512 + (int) ((size + 511) / 512 * 512);
        }
        return entries;
    }

    /** Writes every entry of {@code tar} into {@code dir}; names must be bare. */
    public static void extract(Path tar, Path dir) {
        untar(tar).forEach((name, data) -> {
            if (name.contains("/") || name.contains("..")) {
                throw new AssertionError("tar entry with a path: " + name);
            }
            try {
                Files.write(dir.resolve(name), data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** An HLS playlist's lines: tags with their attribute lists, and the URIs that follow them. */
    public record Playlist(List<String> lines) {
        public static Playlist read(Path p) {
            return new Playlist(readLines(p));
        }

        /** URIs: every non-blank line that is not a tag, plus URI="..." attributes of EXT-X-MEDIA. */
        public List<String> uris() {
            List<String> u = new ArrayList<>();
            for (String l : lines) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    u.add(l.strip());
                } else if (l.startsWith("#EXT-X-MEDIA:")) {
                    String uri = attributes(l).get("URI");
                    if (uri != null) {
                        u.add(uri);
                    }
                }
            }
            return u;
        }

        /** Each EXT-X-STREAM-INF's attributes with the URI on the following line under "uri". */
        public List<Map<String, String>> variants() {
            List<Map<String, String>> v = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("#EXT-X-STREAM-INF:")) {
                    Map<String, String> a = attributes(lines.get(i));
                    a.put("uri", lines.get(i + 1).strip());
                    v.add(a);
                }
            }
            return v;
        }

        public List<Double> segmentDurations() {
            List<Double> d = new ArrayList<>();
            for (String l : lines) {
                if (l.startsWith("#EXTINF:")) {
                    d.add(Double.parseDouble(l.substring(8, l.indexOf(',')).strip()));
                }
            }
            return d;
        }

        public List<String> tags(String name) {
            return lines.stream().filter(l -> l.startsWith(name)).toList();
        }
    }

    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Z0-9-]+)=(\"[^\"]*\"|[^,]*)");

    public static Map<String, String> attributes(String tagLine) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher matcher = ATTRIBUTE.matcher(tagLine.substring(tagLine.indexOf(':') + 1));
        while (matcher.find()) {
            String v = matcher.group(2);
            m.put(matcher.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return m;
    }

    /** Every file an HLS master playlist names, directly or through its variant playlists, and the master itself. */
    public static Set<String> hlsNames(Path dir, String master) {
        Set<String> names = new LinkedHashSet<>();
        names.add(master);
        for (String variant : Playlist.read(dir.resolve(master)).uris()) {
            names.add(variant);
            names.addAll(Playlist.read(dir.resolve(variant)).uris());
        }
        return names;
    }

    /** Every file a DASH manifest names (SegmentTemplate with SegmentTimeline, expanded), and the manifest itself. */
    public static Set<String> dashNames(Path mpd) {
        Element root = xml(mpd);
        Set<String> names = new LinkedHashSet<>();
        names.add(mpd.getFileName().toString());
        NodeList reps = root.getElementsByTagName("Representation");
        for (int i = 0; i < reps.getLength(); i++) {
            Element rep = (Element) reps.item(i);
            String id = rep.getAttribute("id");
            Element template =
                    (Element) rep.getElementsByTagName("SegmentTemplate").item(0);
            if (template == null) {
                template = (Element) ((Element) rep.getParentNode())
                        .getElementsByTagName("SegmentTemplate")
                        .item(0);
            }
            names.add(template.getAttribute("initialization").replace("$RepresentationID$", id));
            int number =
                    template.hasAttribute("startNumber") ? Integer.parseInt(template.getAttribute("startNumber")) : 1;
            NodeList s = template.getElementsByTagName("S");
            String media = template.getAttribute("media").replace("$RepresentationID$", id);
            Matcher m = Pattern.compile("\\$Number(%0(\\d+)d)?\\$").matcher(media);
            if (!m.find()) {
                throw new AssertionError("media template without $Number$: " + media);
            }
            int width = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            for (int j = 0; j < s.getLength(); j++) {
                Element e = (Element) s.item(j);
                int repeat = e.hasAttribute("r") ? Integer.parseInt(e.getAttribute("r")) : 0;
                for (int k = 0; k <= repeat; k++) {
                    String n = width == 0
                            ? Integer.toString(number)
                            : String.format(Locale.ROOT, "%0" + width + "d", number);
                    names.add(media.substring(0, m.start()) + n + media.substring(m.end()));
                    number++;
                }
            }
        }
        return names;
    }

    /** A Smooth Streaming server manifest's entries: element name (video/audio), src, systemBitrate, trackID. */
    public record SmilTrack(String type, String src, long systemBitrate, int trackId) {}

    public static List<SmilTrack> smilTracks(Path ism) {
        Element root = xml(ism);
        List<SmilTrack> t = new ArrayList<>();
        Element sw = (Element) root.getElementsByTagName("switch").item(0);
        NodeList children = sw.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e) {
                Element param = (Element) e.getElementsByTagName("param").item(0);
                if (!"trackID".equals(param.getAttribute("name"))) {
                    throw new AssertionError("expected a trackID param in " + e.getTagName());
                }
                t.add(new SmilTrack(
                        e.getTagName(),
                        e.getAttribute("src"),
                        Long.parseLong(e.getAttribute("systemBitrate")),
                        Integer.parseInt(param.getAttribute("value"))));
            }
        }
        return t;
    }

    /** The client manifest's quality-level bitrates per stream type, in order. */
    public static Map<String, List<Long>> ismcBitrates(Path ismc) {
        Element root = xml(ismc);
        Map<String, List<Long>> m = new LinkedHashMap<>();
        NodeList indexes = root.getElementsByTagName("StreamIndex");
        for (int i = 0; i < indexes.getLength(); i++) {
            Element index = (Element) indexes.item(i);
            List<Long> rates = m.computeIfAbsent(index.getAttribute("Type"), k -> new ArrayList<>());
            NodeList levels = index.getElementsByTagName("QualityLevel");
            for (int j = 0; j < levels.getLength(); j++) {
                rates.add(Long.parseLong(((Element) levels.item(j)).getAttribute("Bitrate")));
            }
        }
        return m;
    }

    /** The client manifest's chunk start times per stream type. */
    public static Map<String, List<Long>> ismcChunkTimes(Path ismc) {
        Map<String, List<Long>> m = new LinkedHashMap<>();
        ismcStreams(ismc).forEach(s -> m.put(s.type(), s.starts()));
        return m;
    }

    /**
     * A StreamIndex of a Smooth Streaming client manifest: its type, its name in fragment URLs (the
     * {@code Fragments(name=...)} of its Url template, else its type), and its chunks' start times.
     */
    public record IsmcStream(String type, String name, List<Long> starts) {}

    private static final Pattern FRAGMENTS_NAME = Pattern.compile("Fragments\\(([^=()]+)=");

    /** MS-SSTR 2.2.2.5: a chunk starts at its t, or where the previous one ends (its start plus d); r repeats it. */
    public static List<IsmcStream> ismcStreams(Path ismc) {
        NodeList indexes = xml(ismc).getElementsByTagName("StreamIndex");
        List<IsmcStream> streams = new ArrayList<>();
        for (int i = 0; i < indexes.getLength(); i++) {
            Element index = (Element) indexes.item(i);
            Matcher name = FRAGMENTS_NAME.matcher(index.getAttribute("Url"));
            List<Long> starts = new ArrayList<>();
            Long next = 0L;
            NodeList chunks = index.getElementsByTagName("c");
            for (int j = 0; j < chunks.getLength(); j++) {
                Element c = (Element) chunks.item(j);
                if (c.hasAttribute("t")) {
                    next = Long.parseLong(c.getAttribute("t"));
                }
                if (next == null) {
                    throw new AssertionError("chunk " + j + " of the " + index.getAttribute("Type")
                            + " stream has no t, and the chunk before it no d");
                }
                int repeat = c.hasAttribute("r") ? Integer.parseInt(c.getAttribute("r")) : 1;
                for (int r = 0; r < repeat; r++) {
                    starts.add(next);
                    next = c.hasAttribute("d") ? next + Long.parseLong(c.getAttribute("d")) : null;
                }
            }
            streams.add(new IsmcStream(
                    index.getAttribute("Type"), name.find() ? name.group(1) : index.getAttribute("Type"), starts));
        }
        return streams;
    }

    public static Element xml(Path p) {
        try {
            return DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(p.toFile())
                    .getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError("cannot parse " + p + ": " + e, e);
        }
    }

    /** Runs a tool to completion; returns exit code and combined output. */
    public record Run(int exit, String output) {}

    public static Run run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isZero(byte[] b, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] b, int from, int len) {
        int end = from;
        while (end < from + len && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.US_ASCII);
    }
}
