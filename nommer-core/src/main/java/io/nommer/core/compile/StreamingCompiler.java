package io.nommer.core.compile;

import static io.nommer.core.profile.Profile.AUDIO_CODEC;
import static io.nommer.core.profile.Profile.AUDIO_ONLY_VARIANT;
import static io.nommer.core.profile.Profile.AUDIO_SAMPLE_RATE;
import static io.nommer.core.profile.Profile.ENCRYPTION_IV;
import static io.nommer.core.profile.Profile.ENCRYPTION_KEY;
import static io.nommer.core.profile.Profile.ENCRYPTION_KEY_URL;
import static io.nommer.core.profile.Profile.EXTNAME;
import static io.nommer.core.profile.Profile.FORMAT;
import static io.nommer.core.profile.Profile.FPS;
import static io.nommer.core.profile.Profile.H264_LEVEL;
import static io.nommer.core.profile.Profile.H264_PRESET;
import static io.nommer.core.profile.Profile.H264_PROFILE;
import static io.nommer.core.profile.Profile.HEIGHT;
import static io.nommer.core.profile.Profile.RENDITIONS;
import static io.nommer.core.profile.Profile.SEGMENT_TIME;
import static io.nommer.core.profile.Profile.VIDEO_BITRATE;
import static io.nommer.core.profile.Profile.WIDTH;

import io.nommer.core.compile.Ladder.Rung;
import io.nommer.core.compile.PlanStep.CopyFile;
import io.nommer.core.compile.PlanStep.DashManifest;
import io.nommer.core.compile.PlanStep.HlsMasterPlaylist;
import io.nommer.core.compile.PlanStep.MakeDirectory;
import io.nommer.core.compile.PlanStep.SmoothManifests;
import io.nommer.core.compile.PlanStep.TarArchive;
import io.nommer.core.compile.PlanStep.WriteFile;
import io.nommer.core.compile.ProfileCompiler.LadderMode;
import io.nommer.core.encode.PlannedFile;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Profile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Compiles an adaptive-streaming profile (HLS, DASH, Smooth Streaming) into ffmpeg runs plus file steps. Pure.
 *
 * <p>Files, all flat and named after {@code base} (the output's base name); with {@code .tar} they are staged in the
 * scratch directory and only {@code base.tar} is an output:
 *
 * <pre>
 *   HLS    base.m3u8 (master), base-v0.m3u8 .. base-v3.m3u8 and base-audio.m3u8 (variants),
 *          base-v0-00000.ts .. and base-audio-00000.ts .. (segments, AES-128 when encrypted)
 *   DASH   base.mpd, base-init-&lt;representation&gt;.m4s (media), base-chunk-&lt;representation&gt;-00001.m4s .. (segments)
 *   Smooth base.ismv (media: every rendition and the audio as tracks 1..n), base.ism (server manifest, SMIL),
 *          base.ismc (client manifest)
 * </pre>
 *
 * <p>Keyframes: every rendition gets a keyframe exactly every {@code segment_time} seconds (a fixed GOP of
 * {@code fps * segment_time} frames, forced keyframes at the boundaries, scene-cut keyframes off), so segments of all
 * renditions start at the same instants.
 *
 * <p>A watermark is drawn on each rung after its scaling, sized for that rung ({@link WatermarkOverlay}).
 */
final class StreamingCompiler {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** The x264 profile ladders use unless the profile says otherwise. */
    static final String DEFAULT_H264_PROFILE = "high";

    private static final double DEFAULT_SEGMENT_SECONDS = 6;
    /** The samples ffmpeg's AAC encoder puts before the audio proper (its initial padding). */
    static final int AAC_PRIMING_SAMPLES = 1024;

    private final Profile p;
    private final MediaInfo info;
    private final Path input;
    private final Path outDir;
    private final String base;
    private final boolean audio;
    private final boolean tar;
    private final Path scratch;
    /** Where ffmpeg and the manifest steps write the deliverables: outDir, or a staging directory for the archive. */
    private final Path pkg;

    private final double fps;
    private final double segment;
    private final String h264Profile;
    private final List<Rung> rungs;
    /** The watermark drawn on every rung, or null. */
    private final WatermarkOverlay mark;

    StreamingCompiler(Profile p, MediaInfo info, Path input, Path outDir, String base, WatermarkOverlay mark) {
        if (!SAFE_NAME.matcher(base).matches()) {
            // why: the name ends up inside ffmpeg's segment templates, where % and $ are directives.
            throw new IllegalArgumentException("output base name '" + base + "' must be letters, digits, '.', '_' "
                    + "or '-' for adaptive streaming");
        }
        this.p = p;
        this.info = info;
        this.input = input;
        this.outDir = outDir;
        this.base = base;
        this.mark = mark;
        StreamInfo v = ProfileCompiler.requireVideo(info);
        this.audio = info.audio().isPresent() && p.get(AUDIO_CODEC) != null;
        this.tar = ".tar".equals(p.get(EXTNAME));
        this.scratch = ProfileCompiler.scratchDir(outDir);
        this.pkg = tar ? scratch.resolve("package") : outDir;
        this.fps = p.get(FPS) != null ? p.get(FPS).value() : v.fps() != null && v.fps() > 0 ? v.fps() : 25;
        this.segment = p.get(SEGMENT_TIME, DEFAULT_SEGMENT_SECONDS);
        this.h264Profile = p.get(H264_PROFILE, DEFAULT_H264_PROFILE);
        double[] d = ProfileCompiler.displaySize(v);
        this.rungs = Ladder.of(
                d[0],
                d[1],
                p.get(VIDEO_BITRATE),
                p.get(RENDITIONS, 1),
                p.get(WIDTH),
                p.get(HEIGHT),
                p.upscaleOrDefault(),
                fps,
                h264Profile,
                p.get(H264_LEVEL));
    }

    EncodePlan compile(LadderMode mode) {
        List<PlanStep> before = new ArrayList<>();
        List<PlanStep> after = new ArrayList<>();
        before.add(new MakeDirectory(scratch));
        if (tar) {
            before.add(new MakeDirectory(pkg));
        }
        List<String> muxer;
        List<String> manifests;
        List<PlannedFile> files = new ArrayList<>();
        List<FileSet> sets = new ArrayList<>();
        switch (p.get(FORMAT)) {
            case "hls" -> {
                muxer = hlsMuxer(before);
                after.add(new HlsMasterPlaylist(pkg.resolve(base + ".m3u8"), master()));
                sets.add(new FileSet(outDir, base + "-", ".ts", PlannedFile.SEGMENT));
                for (String variant : variantNames()) {
                    files.add(new PlannedFile(
                            outDir.resolve(base + "-" + variant + ".m3u8"), PlannedFile.VARIANT_PLAYLIST));
                }
                files.add(new PlannedFile(outDir.resolve(base + ".m3u8"), PlannedFile.MASTER_PLAYLIST));
                manifests = List.of(base + ".m3u8");
            }
            case "dash" -> {
                muxer = dashMuxer();
                after.add(new DashManifest(pkg.resolve(base + ".mpd")));
                sets.add(new FileSet(outDir, base + "-init-", ".m4s", PlannedFile.MEDIA));
                sets.add(new FileSet(outDir, base + "-chunk-", ".m4s", PlannedFile.SEGMENT));
                files.add(new PlannedFile(outDir.resolve(base + ".mpd"), PlannedFile.MANIFEST));
                manifests = List.of(base + ".mpd");
            }
            case "ismv" -> {
                // why: AAC's priming samples would put the first audio fragment before zero, which Smooth
                // Streaming cannot address; shifting every track by as much keeps them in sync.
                muxer = List.of(
                        "-avoid_negative_ts",
                        "make_zero",
                        "-movflags",
                        "+frag_keyframe+delay_moov",
                        "-f",
                        "ismv",
                        "file:" + pkg.resolve(base + ".ismv"));
                after.add(new SmoothManifests(
                        pkg.resolve(base + ".ismv"), pkg.resolve(base + ".ism"), pkg.resolve(base + ".ismc")));
                files.add(new PlannedFile(outDir.resolve(base + ".ismv"), PlannedFile.MEDIA));
                files.add(new PlannedFile(outDir.resolve(base + ".ismc"), PlannedFile.MANIFEST));
                files.add(new PlannedFile(outDir.resolve(base + ".ism"), PlannedFile.MANIFEST));
                manifests = List.of(base + ".ism", base + ".ismc");
            }
            default -> throw new IllegalStateException("not a streaming format: " + p.get(FORMAT));
        }
        List<FfmpegCommand> commands = mode == LadderMode.PER_RENDITION ? perRendition(muxer) : singleDecode(muxer);
        if (tar) {
            Path archive = outDir.resolve(base + ".tar");
            after.add(new TarArchive(archive, pkg, manifests));
            files = List.of(new PlannedFile(archive, PlannedFile.ARCHIVE));
            sets = List.of();
        }
        return new EncodePlan(commands, files, ProfileCompiler.mediaSeconds(p, info), scratch, before, after, sets);
    }

    /**
     * Rung {@code index} alone, as in {@link LadderMode#PER_RENDITION}, leaving {@code <base>-v<index>.mp4} in the
     * output directory: one part of a ladder spread over workers.
     */
    EncodePlan rendition(int index) {
        if (index < 0 || index >= rungs.size()) {
            throw new IllegalArgumentException("rendition " + index + " of a ladder of " + rungs.size());
        }
        EncodePlan all = compile(LadderMode.PER_RENDITION);
        Path out = outDir.resolve(base + "-v" + index + ".mp4");
        return new EncodePlan(
                List.of(all.commands().get(index)),
                List.of(new PlannedFile(out, PlannedFile.INTERMEDIATE)),
                all.mediaSeconds(),
                scratch,
                List.of(new MakeDirectory(scratch)),
                List.of(new CopyFile(intermediate(rungs.get(index)), out)),
                List.of());
    }

    /**
     * The rest of {@link LadderMode#PER_RENDITION} once every rendition was encoded elsewhere: the audio and the
     * packaging, with {@code renditions} (rung index to local file) copied in as the intermediates.
     */
    EncodePlan packaging(Map<Integer, Path> renditions) {
        EncodePlan all = compile(LadderMode.PER_RENDITION);
        List<PlanStep> before = new ArrayList<>(all.before());
        for (Rung r : rungs) {
            Path file = renditions.get(r.index());
            if (file == null) {
                throw new IllegalArgumentException("rendition " + r.index() + " of " + rungs.size() + " is missing");
            }
            before.add(new CopyFile(file, intermediate(r)));
        }
        return new EncodePlan(
                all.commands().subList(rungs.size(), all.commands().size()),
                all.files(),
                all.mediaSeconds(),
                scratch,
                before,
                all.after(),
                all.fileSets());
    }

    /** The rungs this profile compiles to, top first. */
    List<Rung> rungs() {
        return rungs;
    }

    // ------------------------------------------------------------------ runs

    private List<FfmpegCommand> singleDecode(List<String> muxer) {
        List<String> a = ProfileCompiler.head(p, info, input, mark);
        // with a watermark, the scaled rungs [b<i>] are marked into [v<i>]
        String scaled = mark == null ? "[v" : "[b";
        StringBuilder graph = new StringBuilder("[0:v:0]").append(beforeScaling());
        int n = rungs.size();
        if (n > 1) {
            graph.append("split=").append(n);
            for (int i = 0; i < n; i++) {
                graph.append("[s").append(i).append(']');
            }
            for (Rung r : rungs) {
                graph.append(";[s")
                        .append(r.index())
                        .append(']')
                        .append(scale(r))
                        .append(scaled)
                        .append(r.index())
                        .append(']');
            }
        } else {
            graph.append(scale(rungs.getFirst())).append(scaled).append("0]");
        }
        if (mark != null) {
            graph.append(';')
                    .append(mark.graph(rungs.stream().map(this::markFrame).toList()));
        }
        a.addAll(List.of("-filter_complex", graph.toString()));
        for (Rung r : rungs) {
            a.addAll(List.of("-map", "[v" + r.index() + "]"));
        }
        if (audio) {
            a.addAll(List.of("-map", "0:a:0"));
        }
        video(a);
        for (Rung r : rungs) {
            rung(a, r, ":v:" + r.index());
        }
        if (audio) {
            audioLength(a);
            ProfileCompiler.audioCodec(p, a);
        }
        a.addAll(List.of("-sn", "-dn"));
        a.addAll(muxer);
        List<FfmpegCommand> commands = new ArrayList<>();
        commands.add(new FfmpegCommand(
                "encode " + n + " rendition" + (n == 1 ? "" : "s") + (n == 1 ? " " : " from one decode ")
                        + describe(rungs) + " and package (" + p.get(FORMAT) + ")",
                a));
        return commands;
    }

    private static String describe(List<Rung> rungs) {
        List<String> each = new ArrayList<>();
        for (Rung r : rungs) {
            each.add(String.format(Locale.ROOT, "%dk %dx%d", r.videoBitrate(), r.width(), r.height()));
        }
        return "(" + String.join(", ", each) + ")";
    }

    private List<FfmpegCommand> perRendition(List<String> muxer) {
        List<FfmpegCommand> commands = new ArrayList<>();
        Rung top = rungs.getFirst();
        for (Rung r : rungs) {
            List<String> a = ProfileCompiler.head(p, info, input, mark);
            String filter = beforeScaling() + scale(r);
            if (mark == null) {
                a.addAll(List.of("-map", "0:v:0", "-vf", filter));
            } else {
                String graph = "[0:v:0]" + filter + "[b" + r.index() + "];" + mark.graph(List.of(markFrame(r)));
                a.addAll(List.of("-map", "[v" + r.index() + "]", "-filter_complex", graph));
            }
            video(a);
            rung(a, r, ":v:0");
            a.addAll(List.of("-an", "-sn", "-dn", "-f", "mp4", "file:" + intermediate(r)));
            // why: every run decodes the whole input, and encoding cost grows with the picture.
            double weight = 0.5 + (double) r.width() * r.height() / ((double) top.width() * top.height());
            commands.add(new FfmpegCommand(
                    String.format(
                            Locale.ROOT,
                            "rendition %d of %d (%dk %dx%d)",
                            r.index() + 1,
                            rungs.size(),
                            r.videoBitrate(),
                            r.width(),
                            r.height()),
                    a,
                    weight));
        }
        if (audio) {
            List<String> a = ProfileCompiler.head(p, info, input);
            a.addAll(List.of("-map", "0:a:0", "-vn", "-sn", "-dn"));
            audioLength(a);
            ProfileCompiler.audioCodec(p, a);
            a.addAll(List.of("-f", "ipod", "file:" + audioIntermediate()));
            commands.add(new FfmpegCommand("audio", a, 0.1));
        }
        List<String> a = ProfileCompiler.common();
        for (Rung r : rungs) {
            a.addAll(List.of("-protocol_whitelist", "file", "-f", "mov", "-i", "file:" + intermediate(r)));
        }
        if (audio) {
            a.addAll(List.of("-protocol_whitelist", "file", "-f", "mov", "-i", "file:" + audioIntermediate()));
        }
        for (Rung r : rungs) {
            a.addAll(List.of("-map", r.index() + ":v:0"));
        }
        if (audio) {
            a.addAll(List.of("-map", rungs.size() + ":a:0"));
        }
        a.addAll(List.of("-c", "copy", "-sn", "-dn"));
        a.addAll(muxer);
        commands.add(new FfmpegCommand("package (" + p.get(FORMAT) + ")", a, 0.05));
        return commands;
    }

    /**
     * Makes the audio end with the video, padded with silence or cut. The segmenters start counting a stream's time
     * at its first packet, and the AAC encoder's first packet holds {@value #AAC_PRIMING_SAMPLES} priming samples
     * before the audio proper: audio as long as the video would reach a little past the video's last segment
     * boundary and leave a last audio segment of a few milliseconds that no video segment matches. So the audio
     * proper ends that much before the video does.
     */
    private void audioLength(List<String> a) {
        Double seconds = videoSeconds();
        Integer rate = p.get(AUDIO_SAMPLE_RATE) != null
                ? p.get(AUDIO_SAMPLE_RATE)
                : info.audio().map(StreamInfo::sampleRate).orElse(null);
        if (seconds == null || rate == null || rate <= 0) {
            return;
        }
        double end = seconds - (double) AAC_PRIMING_SAMPLES / rate;
        if (end > 0) {
            String e = String.format(Locale.ROOT, "%.6f", end);
            a.addAll(List.of("-filter:a", "apad=whole_dur=" + e + ",atrim=end=" + e));
        }
    }

    /** How long the output's video lasts: the input's video stream (or the input) after clipping; null if unknown. */
    private Double videoSeconds() {
        Double d = ProfileCompiler.requireVideo(info).duration();
        return ProfileCompiler.clipped(p, d != null ? d : info.duration());
    }

    private Path intermediate(Rung r) {
        return scratch.resolve(base + "-v" + r.index() + ".mp4");
    }

    private Path audioIntermediate() {
        return scratch.resolve(base + "-audio.m4a");
    }

    /**
     * The filters every rung shares before its own scaling, each followed by a comma: an interlaced source
     * deinterlaced (ladders are progressive), then the frame-rate conversion.
     */
    private String beforeScaling() {
        StringBuilder f = new StringBuilder();
        if (ProfileCompiler.requireVideo(info).interlaced()) {
            f.append(VideoChain.DEINTERLACE).append(',');
        }
        if (p.get(FPS) != null) {
            f.append(p.frameRateFilter()).append(',');
        }
        return f.toString();
    }

    /** Rung {@code r}'s picture for the watermark: pixel values scale with its height over the top rung's. */
    private WatermarkOverlay.Frame markFrame(Rung r) {
        double scale = (double) r.height() / rungs.getFirst().height();
        return new WatermarkOverlay.Frame("b" + r.index(), "v" + r.index(), r.width(), r.height(), scale);
    }

    private static String scale(Rung r) {
        return "scale=" + r.width() + ':' + r.height() + ":flags=bicubic,setsar=1";
    }

    /** Options shared by every rung: codec, speed, and keyframes at segment boundaries only. */
    private void video(List<String> a) {
        int gop = Math.max(1, (int) Math.round(fps * segment));
        a.addAll(List.of(
                "-c:v",
                "libx264",
                "-preset",
                ProfileCompiler.orDefault(p.get(H264_PRESET), "medium"),
                "-profile:v",
                h264Profile,
                "-pix_fmt",
                "yuv420p",
                "-g",
                Integer.toString(gop),
                "-sc_threshold",
                "0",
                "-force_key_frames",
                "expr:gte(t,n_forced*" + ProfileCompiler.number(segment) + ")"));
    }

    /** Rate control and level of one rung's stream ({@code spec} selects it, e.g. {@code :v:2}). */
    private static void rung(List<String> a, Rung r, String spec) {
        a.addAll(List.of(
                "-b" + spec,
                r.videoBitrate() + "k",
                "-maxrate" + spec,
                r.videoBitrate() + "k",
                "-bufsize" + spec,
                2 * r.videoBitrate() + "k",
                "-level" + spec,
                r.level()));
    }

    // ------------------------------------------------------------------ HLS

    private List<String> variantNames() {
        List<String> names = new ArrayList<>();
        rungs.forEach(r -> names.add("v" + r.index()));
        if (audio) {
            names.add("audio");
        }
        return names;
    }

    private List<String> hlsMuxer(List<PlanStep> before) {
        List<String> a = new ArrayList<>(List.of(
                "-f",
                "hls",
                "-hls_time",
                ProfileCompiler.number(segment),
                "-hls_playlist_type",
                "vod",
                "-hls_flags",
                "independent_segments",
                "-hls_segment_type",
                "mpegts",
                "-hls_segment_filename",
                "file:" + pkg.resolve(base + "-%v-%05d.ts")));
        StringBuilder map = new StringBuilder();
        for (Rung r : rungs) {
            map.append(map.isEmpty() ? "" : " ")
                    .append("v:")
                    .append(r.index())
                    .append(",name:v")
                    .append(r.index());
        }
        if (audio) {
            map.append(" a:0,name:audio");
        }
        a.addAll(List.of("-var_stream_map", map.toString()));
        if (p.encryptionOrDefault()) {
            // why: the key lives only in the scratch directory, never beside the outputs, and only the key info
            // file's path (not the key) appears in the arguments that logs print.
            Path key = scratch.resolve(base + ".key");
            Path keyInfo = scratch.resolve(base + ".keyinfo");
            before.add(new WriteFile(key, HexFormat.of().parseHex(p.get(ENCRYPTION_KEY)), true));
            String keyInfoText = p.get(ENCRYPTION_KEY_URL) + "\n" + key + "\n" + p.get(ENCRYPTION_IV) + "\n";
            before.add(new WriteFile(keyInfo, keyInfoText.getBytes(StandardCharsets.UTF_8), true));
            a.addAll(List.of("-hls_key_info_file", keyInfo.toString()));
        }
        a.add("file:" + pkg.resolve(base + "-%v.m3u8"));
        return a;
    }

    /** The master playlist, its rates to be measured once the segments exist (see {@link HlsMaster}). */
    HlsMaster master() {
        List<HlsMaster.Variant> variants = new ArrayList<>();
        for (Rung r : rungs) {
            variants.add(new HlsMaster.Variant(
                    base + "-v" + r.index() + ".m3u8", r.width(), r.height(), fps, r.codecs(h264Profile)));
        }
        return new HlsMaster(
                variants, audio ? base + "-audio.m3u8" : null, audio && Boolean.TRUE.equals(p.get(AUDIO_ONLY_VARIANT)));
    }

    // ------------------------------------------------------------------ DASH

    private List<String> dashMuxer() {
        return List.of(
                "-f",
                "dash",
                "-seg_duration",
                ProfileCompiler.number(segment),
                "-use_template",
                "1",
                "-use_timeline",
                "1",
                "-dash_segment_type",
                "mp4",
                "-adaptation_sets",
                audio ? "id=0,streams=v id=1,streams=a" : "id=0,streams=v",
                "-init_seg_name",
                base + "-init-$RepresentationID$.m4s",
                "-media_seg_name",
                base + "-chunk-$RepresentationID$-$Number%05d$.m4s",
                "file:" + pkg.resolve(base + ".mpd"));
    }
}
