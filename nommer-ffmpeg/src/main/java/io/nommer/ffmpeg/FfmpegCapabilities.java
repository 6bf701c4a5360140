package io.nommer.ffmpeg;

import static io.nommer.core.profile.Profile.ASPECT_MODE;
import static io.nommer.core.profile.Profile.AUDIO_CODEC;
import static io.nommer.core.profile.Profile.FORMAT;
import static io.nommer.core.profile.Profile.FRAME_RATE_CONVERSION;
import static io.nommer.core.profile.Profile.INTERLACED;
import static io.nommer.core.profile.Profile.KIND;
import static io.nommer.core.profile.Profile.RENDITIONS;
import static io.nommer.core.profile.Profile.VIDEO_CODEC;

import io.nommer.core.encode.Toolchain;
import io.nommer.core.profile.AspectMode;
import io.nommer.core.profile.FrameRateConversion;
import io.nommer.core.profile.OutputKind;
import io.nommer.core.profile.Profile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an ffmpeg binary can do, as far as nommer cares: its version and which of the encoders, muxers and filters
 * nommer's profiles use it has. Distributions build ffmpeg differently (no libx264 in some, no libvpx in others), so
 * the server reports which presets this installation can run.
 *
 * @param path the ffmpeg binary
 * @param version the version string ({@code 5.1.9-0+deb12u1}), or {@code unknown}
 * @param encoders which of {@link #ENCODERS} are present
 * @param muxers which of {@link #MUXERS} are present
 * @param filters which of {@link #FILTERS} are present
 */
public record FfmpegCapabilities(
        Path path, String version, Set<String> encoders, Set<String> muxers, Set<String> filters) implements Toolchain {
    public static final List<String> ENCODERS = List.of(
            "libx264",
            "libvpx-vp9",
            "flv",
            "mpeg4",
            "mpeg2video",
            "dvvideo",
            "aac",
            "libmp3lame",
            "libopus",
            "mp2",
            "ac3",
            "pcm_s16le",
            "mjpeg");
    public static final List<String> MUXERS = List.of(
            "mp4",
            "flv",
            "webm",
            "mp3",
            "ipod",
            "image2",
            "mpegts",
            "dv",
            "hls",
            "dash",
            "ismv",
            "smoothstreaming",
            "null");
    public static final List<String> FILTERS = List.of(
            "scale",
            "pad",
            "crop",
            "setsar",
            "fps",
            "select",
            "split",
            "framerate",
            "minterpolate",
            "bwdif",
            "interlace",
            "telecine",
            "setfield",
            "fieldorder",
            "overlay",
            "format",
            "colorchannelmixer");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public FfmpegCapabilities {
        encoders = Set.copyOf(encoders);
        muxers = Set.copyOf(muxers);
        filters = Set.copyOf(filters);
    }

    /**
     * Runs {@code ffmpeg -version}, {@code -encoders}, {@code -muxers} and {@code -filters}.
     *
     * @throws IllegalStateException naming the binary and the setting when ffmpeg cannot be run or fails
     */
    public static FfmpegCapabilities detect(FfmpegBinaries binaries) {
        return detect(binaries.ffmpeg(), new LocalProcessRunner());
    }

    public static FfmpegCapabilities detect(Path ffmpeg, ProcessRunner runner) {
        return parse(
                ffmpeg,
                output(ffmpeg, runner, "-version"),
                output(ffmpeg, runner, "-hide_banner", "-encoders"),
                output(ffmpeg, runner, "-hide_banner", "-muxers"),
                output(ffmpeg, runner, "-hide_banner", "-filters"));
    }

    private static String output(Path ffmpeg, ProcessRunner runner, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ffmpeg.toString());
        cmd.addAll(List.of(args));
        StringBuilder out = new StringBuilder();
        ProcessResult r;
        try {
            r = runner.run(
                    new ProcessRequest(cmd, null, TIMEOUT, l -> out.append(l).append('\n'), null, null));
        } catch (UncheckedIOException e) {
            throw new IllegalStateException(
                    "cannot run ffmpeg at " + ffmpeg + " (setting " + FfmpegBinaries.FFMPEG_SETTING + "): "
                            + e.getMessage(),
                    e);
        }
        if (!r.succeeded()) {
            throw new IllegalStateException("'" + ffmpeg + " " + String.join(" ", args) + "' failed (exit "
                    + r.exitCode() + (r.timedOut() ? ", timed out" : "") + "); is setting "
                    + FfmpegBinaries.FFMPEG_SETTING + " an ffmpeg binary? " + r.stderrText());
        }
        return out.toString();
    }

    /** Builds the report from the four outputs, as printed by ffmpeg 4 to 7. */
    public static FfmpegCapabilities parse(
            Path path, String versionOut, String encodersOut, String muxersOut, String filtersOut) {
        return new FfmpegCapabilities(
                path,
                version(versionOut),
                present(names(encodersOut), ENCODERS),
                present(names(muxersOut), MUXERS),
                present(names(filtersOut), FILTERS));
    }

    static String version(String versionOut) {
        for (String line : versionOut.split("\n")) {
            String l = line.strip();
            if (l.startsWith("ffmpeg version ")) {
                String rest = l.substring("ffmpeg version ".length());
                int sp = rest.indexOf(' ');
                return sp < 0 ? rest : rest.substring(0, sp);
            }
        }
        return "unknown";
    }

    /**
     * The names listed after the legend of {@code -encoders}, {@code -muxers} or {@code -filters}: each entry line
     * is a flags column, then the name (comma-separated aliases for formats), then a description.
     */
    static Set<String> names(String listing) {
        Set<String> names = new LinkedHashSet<>();
        boolean inList = false;
        for (String line : listing.split("\n")) {
            String l = line.strip();
            if (!inList) {
                // the legend ends with a line of dashes ("------" for codecs, "--" for formats) or, for filters,
                // with the "| = Source or sink filter" line
                inList = l.matches("-+") || l.startsWith("| =");
                continue;
            }
            String[] parts = l.split("\\s+");
            if (parts.length < 2) {
                continue;
            }
            for (String n : parts[1].split(",")) {
                names.add(n);
            }
        }
        return names;
    }

    private static Set<String> present(Set<String> available, Collection<String> wanted) {
        Set<String> s = new TreeSet<>();
        for (String w : wanted) {
            if (available.contains(w)) {
                s.add(w);
            }
        }
        return s;
    }

    /**
     * What {@code profile} needs that this ffmpeg lacks, e.g. {@code ["encoder libx264"]}; empty when it can run.
     * A profile needs its video and audio codec's encoders, its format's muxer and the filters of the scaling chain
     * it compiles to.
     */
    @Override
    public List<String> missingFor(Profile profile) {
        List<String> missing = new ArrayList<>();
        boolean video = profile.get(KIND) != OutputKind.AUDIO;
        if (video && profile.get(VIDEO_CODEC) != null && !encoders.contains(profile.get(VIDEO_CODEC))) {
            missing.add("encoder " + profile.get(VIDEO_CODEC));
        }
        if (profile.get(KIND) != OutputKind.THUMBNAILS
                && profile.get(AUDIO_CODEC) != null
                && !encoders.contains(profile.get(AUDIO_CODEC))) {
            missing.add("encoder " + profile.get(AUDIO_CODEC));
        }
        if (profile.get(FORMAT) != null && !muxers.contains(profile.get(FORMAT))) {
            missing.add("muxer " + profile.get(FORMAT));
        }
        if ("ismv".equals(profile.get(FORMAT)) && !muxers.contains("smoothstreaming")) {
            // the Smooth Streaming client manifest (.ismc) comes from this muxer
            missing.add("muxer smoothstreaming");
        }
        if (profile.isStreaming()
                && profile.get(RENDITIONS) != null
                && profile.get(RENDITIONS) > 1
                && !filters.contains("split")) {
            missing.add("filter split");
        }
        if (video) {
            // bwdif deinterlaces interlaced sources for any video output
            List<String> needed = new ArrayList<>(List.of("scale", "setsar", "bwdif"));
            switch (profile.get(FRAME_RATE_CONVERSION, FrameRateConversion.DUPLICATE)) {
                case BLEND -> needed.add("framerate");
                case MOTION_COMPENSATED -> needed.add("minterpolate");
                case DUPLICATE -> {}
            }
            if (profile.get(INTERLACED, false)) {
                needed.addAll(List.of("fps", "interlace", "telecine", "setfield", "fieldorder"));
            }
            if (profile.get(ASPECT_MODE) == AspectMode.CROP) {
                needed.add("crop");
            } else if (profile.get(ASPECT_MODE) == AspectMode.LETTERBOX || profile.get(ASPECT_MODE) == AspectMode.PAD) {
                needed.add("pad");
            }
            if (profile.drawsWatermark()) {
                // why: a mark is scaled and made translucent (WatermarkOverlay), then split for thumbnails or rungs
                needed.addAll(List.of("overlay", "format", "colorchannelmixer", "split"));
            }
            for (String f : needed) {
                if (!filters.contains(f) && !missing.contains("filter " + f)) {
                    missing.add("filter " + f);
                }
            }
        }
        return missing;
    }

    public boolean canRun(Profile profile) {
        return missingFor(profile).isEmpty();
    }

    /** One line for the start-up log. */
    public String summary() {
        List<String> absent = new ArrayList<>();
        ENCODERS.stream().filter(e -> !encoders.contains(e)).forEach(e -> absent.add("encoder " + e));
        MUXERS.stream().filter(m -> !muxers.contains(m)).forEach(m -> absent.add("muxer " + m));
        FILTERS.stream().filter(f -> !filters.contains(f)).forEach(f -> absent.add("filter " + f));
        return "ffmpeg " + version + " at " + path
                + (absent.isEmpty()
                        ? ", all needed encoders, muxers and filters present"
                        : ", missing " + String.join(", ", absent));
    }

    /** The report the API serves: path, version, and for each encoder, muxer and filter nommer uses, present or not. */
    @Override
    public Report report() {
        return new Report(
                path.toString(),
                version,
                presence(ENCODERS, encoders),
                presence(MUXERS, muxers),
                presence(FILTERS, filters));
    }

    private static Map<String, Boolean> presence(List<String> wanted, Set<String> present) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        wanted.forEach(w -> m.put(w, present.contains(w)));
        return m;
    }
}
