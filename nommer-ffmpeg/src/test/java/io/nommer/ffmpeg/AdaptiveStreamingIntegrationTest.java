package io.nommer.ffmpeg;

import static io.nommer.ffmpeg.testing.StreamingFiles.dashNames;
import static io.nommer.ffmpeg.testing.StreamingFiles.hlsNames;
import static io.nommer.ffmpeg.testing.StreamingFiles.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nommer.core.compile.ProfileCompiler;
import io.nommer.core.compile.ProfileCompiler.LadderMode;
import io.nommer.core.encode.Cancellation;
import io.nommer.core.encode.EncodeRequest;
import io.nommer.core.encode.EncodeResult;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.profile.Profile;
import io.nommer.core.testing.Profiles;
import io.nommer.core.worker.WorkerConfig;
import io.nommer.ffmpeg.testing.FragmentIndex;
import io.nommer.ffmpeg.testing.StreamingFiles;
import io.nommer.ffmpeg.testing.StreamingFiles.Playlist;
import io.nommer.ffmpeg.testing.StreamingFiles.SmilTrack;
import io.nommer.ffmpeg.testing.TestMedia;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adaptive-streaming presets through real ffmpeg on a 6-second 640x360 grainy clip, with 2-second segments and a
 * ladder of 800k, 400k, 200k and 100k (sized 640x360, 480x270, 320x180, 320x180 by the ladder's bitrate table).
 */
class AdaptiveStreamingIntegrationTest {
    private static final double SECONDS = 6;
    private static final double SEGMENT = 2;
    private static final List<Integer> BITRATES = List.of(800, 400, 200, 100);
    private static final String KEY = "00112233445566778899aabbccddeeff";
    private static final String IV = "0f0e0d0c0b0a09080706050403020100";
    private static final String KEY_URL = "https://keys.example.com/v1/keys/job-42?t=abc";

    private static FfmpegBinaries bin;
    private static FfprobeProber prober;
    private static Path source;

    @BeforeAll
    static void ffmpeg() {
        bin = TestMedia.requireFfmpeg();
        prober = new FfprobeProber(bin);
        source = TestMedia.detailedVideoWithAudio(SECONDS, 640, 360, 25);
    }

    private static Profile profile(String preset, Map<String, Object> overrides) {
        Map<String, Object> o = new LinkedHashMap<>(Map.of("segment_time", SEGMENT, "video_bitrate", BITRATES.get(0)));
        o.putAll(overrides);
        return Profiles.preset(preset, o);
    }

    /** Records every command line the encoder runs, as logs would print it. */
    private static final class RecordingRunner implements ProcessRunner {
        final List<List<String>> commands = new CopyOnWriteArrayList<>();
        private final LocalProcessRunner local = new LocalProcessRunner();

        @Override
        public ProcessResult run(ProcessRequest request) {
            commands.add(request.command());
            return local.run(request);
        }
    }

    private record Encoded(EncodeResult result, Path outDir, RecordingRunner runner, List<Double> progress) {}

    private static Encoded encode(String name, Profile profile, LadderMode mode) {
        RecordingRunner runner = new RecordingRunner();
        FfmpegEncoder encoder = new FfmpegEncoder(bin.ffmpeg(), runner, mode, WorkerConfig.DEFAULT_MAX_INPUT_PIXELS);
        Path out = TestMedia.newDirectory(name);
        List<Double> progress = new CopyOnWriteArrayList<>();
        EncodeResult r = encoder.encode(
                new EncodeRequest(name, profile, prober.probe(source), source, out, "show", Duration.ofSeconds(120)),
                progress::add,
                new Cancellation());
        assertThat(ProfileCompiler.scratchDir(out))
                .as("scratch directory is removed")
                .doesNotExist();
        return new Encoded(r, out, runner, progress);
    }

    @Test
    void hlsLadder_separateFiles_masterNamesEveryRenditionAndEachDecodesAtItsBitrate() throws IOException {
        Encoded e = encode(
                "hls-ladder", profile("hls-ladder", Map.of("audio_only_variant", true)), LadderMode.SINGLE_DECODE);

        assertThat(e.runner.commands)
                .as("one ffmpeg run decodes the input once")
                .hasSize(1);
        assertThat(e.progress).isNotEmpty().isSorted().last().isEqualTo(100.0);
        assertOutputsAreExactlyTheResult(e);
        assertThat(roles(e))
                .containsEntry("show.m3u8", PlannedFile.MASTER_PLAYLIST)
                .containsEntry("show-v0.m3u8", PlannedFile.VARIANT_PLAYLIST)
                .containsEntry("show-audio.m3u8", PlannedFile.VARIANT_PLAYLIST)
                .containsEntry("show-v3-00000.ts", PlannedFile.SEGMENT);
        assertThat(e.result.files().getLast().role())
                .as("the master is published last")
                .isEqualTo(PlannedFile.MASTER_PLAYLIST);
        assertThat(hlsNames(e.outDir, "show.m3u8"))
                .as("names in the playlists")
                .containsExactlyInAnyOrderElementsOf(roles(e).keySet());

        Path master = e.outDir.resolve("show.m3u8");
        List<Map<String, String>> variants = Playlist.read(master).variants();
        assertThat(variants)
                .extracting(v -> v.get("uri"))
                .containsExactly("show-v0.m3u8", "show-v1.m3u8", "show-v2.m3u8", "show-v3.m3u8", "show-audio.m3u8");
        assertThat(variants)
                .extracting(v -> v.get("RESOLUTION"))
                .containsExactly("640x360", "480x270", "320x180", "320x180", null);
        assertThat(variants.getLast().get("CODECS")).isEqualTo("mp4a.40.2");
        assertThat(run(List.of(
                                bin.ffprobe().toString(),
                                "-v",
                                "error",
                                "-show_entries",
                                "stream=codec_type",
                                "-of",
                                "csv=p=0",
                                master.toString()))
                        .output())
                .as("ffprobe opens the master")
                .contains("video", "audio");

        for (int i = 0; i < BITRATES.size(); i++) {
            Path variant = e.outDir.resolve("show-v" + i + ".m3u8");
            assertDecodes(variant);
            assertThat(variants.get(i).get("CODECS"))
                    .as("CODECS of rendition %d", i)
                    .isEqualTo(codecsOf(variant) + ",mp4a.40.2");
            // Tolerance: x264's ABR with a VBV of two seconds over a 6-second clip lands within a few percent on
            // grainy input; 15% leaves room for the first GOP's overshoot and x264 version differences.
            assertThat(videoKbps(variant))
                    .as("video bitrate of rendition %d", i)
                    .isCloseTo(BITRATES.get(i), within(BITRATES.get(i) * 0.15));
            // Keyframes every segment_time: every segment but the last is segment_time long (EXTINF is written to
            // the microsecond; 0.05 s is a frame and a bit at 25 fps).
            List<Double> d = Playlist.read(variant).segmentDurations();
            assertThat(d).hasSize((int) Math.ceil(SECONDS / SEGMENT));
            d.subList(0, d.size() - 1).forEach(x -> assertThat(x).isCloseTo(SEGMENT, within(0.05)));
            assertThat(d.getLast()).isLessThanOrEqualTo(SEGMENT + 0.05);
            assertRatesMeasured(e.outDir, variants.get(i), "show-audio.m3u8");
        }
        assertDecodes(e.outDir.resolve("show-audio.m3u8"));
    }

    @Test
    void encryptedHls_segmentsDecryptWithKeyAndIvOnly_andTheKeyIsNeverWrittenOrPrinted() throws Exception {
        Profile p = profile(
                "hls",
                Map.of(
                        "encryption",
                        true,
                        "encryption_key",
                        KEY,
                        "encryption_iv",
                        IV,
                        "encryption_key_url",
                        KEY_URL,
                        "extname",
                        ".tar"));
        Encoded e = encode("hls-aes", p, LadderMode.SINGLE_DECODE);

        assertThat(e.result.files()).extracting(PlannedFile::role).containsExactly(PlannedFile.ARCHIVE);
        Path dir = TestMedia.newDirectory("hls-aes-x");
        StreamingFiles.extract(e.result.files().getFirst().path(), dir);
        assertThat(StreamingFiles.untar(e.result.files().getFirst().path()).keySet())
                .as("the archive holds exactly what the playlists name: no key, no key info")
                .containsExactlyInAnyOrderElementsOf(hlsNames(dir, "show.m3u8"));

        byte[] key = HexFormat.of().parseHex(KEY);
        for (Path f : list(dir)) {
            byte[] content = Files.readAllBytes(f);
            assertThat(indexOf(content, key))
                    .as("raw key bytes in " + f.getFileName())
                    .isNegative();
            assertThat(new String(content, StandardCharsets.ISO_8859_1).toLowerCase())
                    .as(f.getFileName().toString())
                    .doesNotContain(KEY);
        }
        for (String variant : List.of("show-v0.m3u8", "show-audio.m3u8")) {
            List<String> keys = Playlist.read(dir.resolve(variant)).tags("#EXT-X-KEY:");
            assertThat(keys).hasSize(1);
            assertThat(StreamingFiles.attributes(keys.getFirst()))
                    .containsEntry("METHOD", "AES-128")
                    .containsEntry("URI", KEY_URL)
                    .containsEntry("IV", "0x" + IV);
        }
        assertThat(e.runner.commands)
                .allSatisfy(c -> assertThat(String.join(" ", c).toLowerCase()).doesNotContain(KEY));

        Path segment = dir.resolve("show-v0-00000.ts");
        byte[] encrypted = Files.readAllBytes(segment);
        assertThat(isMpegTs(encrypted))
                .as("encrypted segment is not readable MPEG-TS")
                .isFalse();
        Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
        aes.init(
                Cipher.DECRYPT_MODE,
                new SecretKeySpec(key, "AES"),
                new IvParameterSpec(HexFormat.of().parseHex(IV)));
        byte[] plain = aes.doFinal(encrypted);
        assertThat(isMpegTs(plain)).as("decrypted segment is MPEG-TS").isTrue();
        Path decrypted = dir.resolve("decrypted.ts");
        Files.write(decrypted, plain);
        assertDecodes(decrypted);
        assertThat(run(List.of(
                                bin.ffmpeg().toString(),
                                "-v",
                                "error",
                                "-f",
                                "mpegts",
                                "-i",
                                segment.toString(),
                                "-f",
                                "null",
                                "-"))
                        .output())
                .as("the encrypted segment alone does not decode")
                .isNotBlank();
    }

    @Test
    void dashLadder_tarHoldsExactlyWhatTheManifestNames_andEveryRepresentationDecodes() throws IOException {
        Encoded e = encode("dash", profile("dash-ladder", Map.of()), LadderMode.SINGLE_DECODE);

        assertThat(e.result.files())
                .extracting(f -> f.path().getFileName().toString(), PlannedFile::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("show.tar", PlannedFile.ARCHIVE));
        assertOutputsAreExactlyTheResult(e);
        Path dir = TestMedia.newDirectory("dash-x");
        Path tar = e.result.files().getFirst().path();
        StreamingFiles.extract(tar, dir);
        List<String> entries = new ArrayList<>(StreamingFiles.untar(tar).keySet());
        assertThat(entries.getFirst()).as("manifest first").isEqualTo("show.mpd");
        assertThat(entries).containsExactlyInAnyOrderElementsOf(dashNames(dir.resolve("show.mpd")));

        Path mpd = dir.resolve("show.mpd");
        List<Map<String, String>> streams = streams(mpd, "codec_type,width,height");
        assertThat(streams.stream()
                        .filter(s -> s.get("codec_type").equals("video"))
                        .map(s -> s.get("width") + "x" + s.get("height")))
                .containsExactly("640x360", "480x270", "320x180", "320x180");
        assertThat(streams).filteredOn(s -> s.get("codec_type").equals("audio")).hasSize(1);
        for (int i = 0; i < BITRATES.size(); i++) {
            assertDecodes(mpd, "0:v:" + i);
        }
        assertDecodes(mpd, "0:a:0");
        String manifest = Files.readString(mpd);
        assertThat(manifest).doesNotContain("bitstreamSwitching");
        double minBuffer = java.time.Duration.parse(StreamingFiles.xml(mpd).getAttribute("minBufferTime"))
                        .toNanos()
                / 1e9;
        assertThat(minBuffer).as("minBufferTime: the longest segment").isBetween(SEGMENT, SEGMENT + 0.1);
        org.w3c.dom.NodeList reps = StreamingFiles.xml(mpd).getElementsByTagName("Representation");
        for (int i = 0; i < reps.getLength(); i++) {
            org.w3c.dom.Element rep = (org.w3c.dom.Element) reps.item(i);
            String id = rep.getAttribute("id");
            long largest = 0;
            int count = 0;
            for (String name : entries) {
                if (name.startsWith("show-chunk-" + id + "-")) {
                    largest = Math.max(largest, Files.size(dir.resolve(name)));
                    count++;
                }
            }
            assertThat(count).as("segments of representation %s", id).isEqualTo((int) Math.ceil(SECONDS / SEGMENT));
            assertThat(Long.parseLong(rep.getAttribute("bandwidth")))
                    .as("bandwidth of representation %s: its largest segment within minBufferTime", id)
                    .isGreaterThanOrEqualTo((long) (largest * 8 / minBuffer));
        }
    }

    @Test
    void hssLadder_separateFiles_serverAndClientManifestsAgreeWithTheIsmvTracks() throws IOException {
        Encoded e = encode("hss", profile("hss-ladder", Map.of("extname", ".ism")), LadderMode.SINGLE_DECODE);

        assertOutputsAreExactlyTheResult(e);
        assertThat(roles(e))
                .containsExactly(
                        Map.entry("show.ismv", PlannedFile.MEDIA),
                        Map.entry("show.ismc", PlannedFile.MANIFEST),
                        Map.entry("show.ism", PlannedFile.MANIFEST));
        assertSmoothStreamingCoherent(e.outDir);
    }

    @Test
    void perRenditionPlan_producesTheSameFilesAsTheSingleDecode() throws IOException {
        Profile p = profile("hls-ladder", Map.of("extname", ".tar"));
        Encoded e = encode("hls-per", p, LadderMode.PER_RENDITION);

        assertThat(e.runner.commands).as("4 renditions, audio, packaging").hasSize(6);
        assertThat(e.progress).isNotEmpty().isSorted().last().isEqualTo(100.0);
        Path dir = TestMedia.newDirectory("hls-per-x");
        Path tar = e.result.files().getFirst().path();
        StreamingFiles.extract(tar, dir);
        assertThat(StreamingFiles.untar(tar).keySet())
                .containsExactlyInAnyOrderElementsOf(hlsNames(dir, "show.m3u8"))
                .contains("show-v0.m3u8", "show-v3.m3u8", "show-audio.m3u8", "show-v3-00002.ts");
        for (int i = 0; i < BITRATES.size(); i++) {
            Path variant = dir.resolve("show-v" + i + ".m3u8");
            assertDecodes(variant);
            assertThat(videoKbps(variant)).isCloseTo(BITRATES.get(i), within(BITRATES.get(i) * 0.15));
            List<Double> d = Playlist.read(variant).segmentDurations();
            d.subList(0, d.size() - 1).forEach(x -> assertThat(x).isCloseTo(SEGMENT, within(0.05)));
        }
    }

    @Test
    void perRenditionSmoothStreaming_isAsCoherentAsTheSingleDecode() throws IOException {
        Encoded e = encode("hss-per", profile("hss-ladder", Map.of("renditions", 2)), LadderMode.PER_RENDITION);

        Path dir = TestMedia.newDirectory("hss-per-x");
        Path tar = e.result.files().getFirst().path();
        assertThat(StreamingFiles.untar(tar).keySet()).containsExactly("show.ism", "show.ismc", "show.ismv");
        StreamingFiles.extract(tar, dir);
        assertSmoothStreamingCoherent(dir);
    }

    // ------------------------------------------------------------------ checks

    private static void assertSmoothStreamingCoherent(Path dir) {
        List<SmilTrack> tracks = StreamingFiles.smilTracks(dir.resolve("show.ism"));
        assertThat(tracks).allSatisfy(t -> assertThat(t.src()).isEqualTo("show.ismv"));
        assertThat(tracks).extracting(SmilTrack::type).last().isEqualTo("audio");
        Map<String, List<Long>> client = StreamingFiles.ismcBitrates(dir.resolve("show.ismc"));
        List<Long> clientRates = new ArrayList<>(client.get("video"));
        clientRates.addAll(client.get("audio"));
        assertThat(tracks)
                .extracting(SmilTrack::systemBitrate)
                .as("server and client manifests' bitrates")
                .containsExactlyElementsOf(clientRates);
        // The .ismv's own view: ffprobe's stream id is the mp4 track ID, bit_rate its average rate.
        String probe = run(List.of(
                        bin.ffprobe().toString(),
                        "-v",
                        "error",
                        "-show_entries",
                        "stream=id,codec_type,bit_rate",
                        "-of",
                        "csv=p=0",
                        dir.resolve("show.ismv").toString()))
                .output();
        List<String[]> probed = probe.lines().map(l -> l.strip().split(",")).toList();
        assertThat(probed)
                .extracting(p -> p[0] + "," + p[1])
                .as("ismv tracks: type, track ID")
                .containsExactlyElementsOf(tracks.stream()
                        .map(t -> String.format("%s,0x%x", t.type(), t.trackId()))
                        .toList());
        for (int i = 0; i < tracks.size(); i++) {
            assertThat(tracks.get(i).systemBitrate())
                    .as(
                            "declared bitrate of track %d against its average",
                            tracks.get(i).trackId())
                    .isGreaterThanOrEqualTo(Long.parseLong(probed.get(i)[2]));
        }
        // What a client asks for must exist: every chunk start of the client manifest is a fragment of the track in
        // the .ismv's own index, none before zero, and audio has as many chunks as video.
        Map<String, List<Long>> chunks = StreamingFiles.ismcChunkTimes(dir.resolve("show.ismc"));
        Map<Integer, List<Long>> fragments =
                FragmentIndex.read(dir.resolve("show.ismv")).times();
        for (SmilTrack t : tracks) {
            assertThat(fragments.get(t.trackId()))
                    .as("fragments of track %d", t.trackId())
                    .isEqualTo(chunks.get(t.type()))
                    .allSatisfy(x -> assertThat(x).isNotNegative());
        }
        assertThat(chunks.get("audio")).hasSameSizeAs(chunks.get("video"));
        for (int i = 0; i < tracks.size(); i++) {
            assertDecodes(dir.resolve("show.ismv"), "0:" + i);
        }
    }

    /**
     * A variant's BANDWIDTH bounds what any whole segment of it carries plus what any whole audio segment carries
     * (RFC 8216 sums the renditions' peaks), its AVERAGE-BANDWIDTH is what the two playlists carry on average, and
     * the audio has a segment for each video one.
     */
    private static void assertRatesMeasured(Path dir, Map<String, String> variant, String audio) throws IOException {
        Playlist video = Playlist.read(dir.resolve(variant.get("uri")));
        Playlist sound = Playlist.read(dir.resolve(audio));
        assertThat(sound.segmentDurations())
                .as("audio segments beside %s", variant.get("uri"))
                .hasSameSizeAs(video.segmentDurations());
        long bytes = 0;
        double seconds = 0;
        long peak = 0;
        for (Playlist p : List.of(video, sound)) {
            List<Double> d = p.segmentDurations();
            long playlistPeak = 0;
            long playlistBytes = 0;
            for (int k = 0; k < d.size(); k++) {
                long size = Files.size(dir.resolve(p.uris().get(k)));
                if (d.get(k) >= SEGMENT / 2) {
                    playlistPeak = Math.max(playlistPeak, (long) (size * 8 / d.get(k)));
                }
                playlistBytes += size;
            }
            peak += playlistPeak;
            seconds = d.stream().mapToDouble(Double::doubleValue).sum();
            bytes += (long) (playlistBytes * 8 / seconds);
        }
        assertThat(Long.parseLong(variant.get("BANDWIDTH"))).as("BANDWIDTH").isGreaterThanOrEqualTo(peak);
        assertThat(Double.parseDouble(variant.get("AVERAGE-BANDWIDTH")))
                .as("AVERAGE-BANDWIDTH")
                .isCloseTo(bytes, within(bytes * 0.01));
        assertThat(variant.get("FRAME-RATE")).isEqualTo("25.000");
    }

    /** The output directory holds exactly the returned files: flat, nothing extra, nothing missing. */
    private static void assertOutputsAreExactlyTheResult(Encoded e) throws IOException {
        try (Stream<Path> s = Files.list(e.outDir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrderElementsOf(roles(e).keySet());
        }
        assertThat(e.result.files()).allSatisfy(f -> {
            assertThat(f.path().getParent()).isEqualTo(e.outDir);
            assertThat(f.path().getFileName().toString()).startsWith("show");
        });
    }

    private static Map<String, String> roles(Encoded e) {
        Map<String, String> m = new LinkedHashMap<>();
        e.result.files().forEach(f -> m.put(f.path().getFileName().toString(), f.role()));
        return m;
    }

    private static void assertDecodes(Path p) {
        assertDecodes(p, "0");
    }

    private static void assertDecodes(Path p, String map) {
        StreamingFiles.Run r = run(
                List.of(bin.ffmpeg().toString(), "-v", "error", "-i", p.toString(), "-map", map, "-f", "null", "-"));
        assertThat(r.exit())
                .as("decoding %s (%s): %s", p.getFileName(), map, r.output())
                .isZero();
        assertThat(r.output()).as("decode errors in %s", p.getFileName()).isBlank();
    }

    /** Average video bitrate in kbit/s from the packets' sizes, which excludes container overhead. */
    private static double videoKbps(Path variant) {
        String out = run(List.of(
                        bin.ffprobe().toString(),
                        "-v",
                        "error",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "packet=size,duration_time",
                        "-of",
                        "default=nw=1",
                        variant.toString()))
                .output();
        long bytes = 0;
        double seconds = 0;
        for (String l : out.lines().toList()) {
            String[] kv = l.strip().split("=", 2);
            switch (kv[0]) {
                case "size" -> bytes += Long.parseLong(kv[1]);
                case "duration_time" -> seconds += Double.parseDouble(kv[1]);
                default -> {}
            }
        }
        return bytes * 8 / seconds / 1000;
    }

    /** avc1.PPCCLL from the stream's profile and level, as ffprobe reports them. */
    private static String codecsOf(Path variant) {
        Map<String, String> s = streams(variant, "codec_type,profile,level").getFirst();
        String pc = switch (s.get("profile")) {
            case "High" -> "6400";
            case "Main" -> "4d40";
            default -> "42c0";
        };
        return String.format("avc1.%s%02x", pc, Integer.parseInt(s.get("level")));
    }

    /** ffprobe's streams (not repeated per program), each as its entries. */
    private static List<Map<String, String>> streams(Path p, String entries) {
        String out = run(List.of(
                        bin.ffprobe().toString(),
                        "-v",
                        "error",
                        "-show_entries",
                        "stream=index," + entries,
                        "-of",
                        "json",
                        p.toString()))
                .output();
        try {
            com.fasterxml.jackson.databind.JsonNode root =
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
            Map<String, Map<String, String>> byIndex = new LinkedHashMap<>();
            for (com.fasterxml.jackson.databind.JsonNode st : root.path("streams")) {
                Map<String, String> m = new LinkedHashMap<>();
                st.properties().forEach(f -> m.put(f.getKey(), f.getValue().asText()));
                byIndex.putIfAbsent(m.get("index"), m);
            }
            return new ArrayList<>(byIndex.values());
        } catch (IOException e) {
            throw new AssertionError("ffprobe output: " + out, e);
        }
    }

    private static boolean isMpegTs(byte[] b) {
        if (b.length < 188 * 2) {
            return false;
        }
        for (int i = 0; i + 188 <= b.length; i += 188) {
            if (b[i] != 0x47) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
