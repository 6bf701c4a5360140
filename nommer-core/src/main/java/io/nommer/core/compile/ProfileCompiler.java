package io.nommer.core.compile;

import static io.nommer.core.profile.Profile.ASPECT_MODE;
import static io.nommer.core.profile.Profile.AUDIO_BITRATE;
import static io.nommer.core.profile.Profile.AUDIO_CHANNELS;
import static io.nommer.core.profile.Profile.AUDIO_CODEC;
import static io.nommer.core.profile.Profile.AUDIO_SAMPLE_RATE;
import static io.nommer.core.profile.Profile.CLIP_LENGTH;
import static io.nommer.core.profile.Profile.CLIP_OFFSET;
import static io.nommer.core.profile.Profile.CODEC_OPTIONS;
import static io.nommer.core.profile.Profile.DISPLAY_ASPECT_RATIO;
import static io.nommer.core.profile.Profile.EXTNAME;
import static io.nommer.core.profile.Profile.FASTSTART;
import static io.nommer.core.profile.Profile.FORMAT;
import static io.nommer.core.profile.Profile.FPS;
import static io.nommer.core.profile.Profile.FRAME_COUNT;
import static io.nommer.core.profile.Profile.H264_CRF;
import static io.nommer.core.profile.Profile.H264_LEVEL;
import static io.nommer.core.profile.Profile.H264_PRESET;
import static io.nommer.core.profile.Profile.H264_PROFILE;
import static io.nommer.core.profile.Profile.HEIGHT;
import static io.nommer.core.profile.Profile.INTERLACED;
import static io.nommer.core.profile.Profile.KEYFRAME_INTERVAL;
import static io.nommer.core.profile.Profile.KIND;
import static io.nommer.core.profile.Profile.TWO_PASS;
import static io.nommer.core.profile.Profile.VIDEO_BITRATE;
import static io.nommer.core.profile.Profile.VIDEO_CODEC;
import static io.nommer.core.profile.Profile.VP9_CRF;
import static io.nommer.core.profile.Profile.VP9_SPEED;
import static io.nommer.core.profile.Profile.WIDTH;

import io.nommer.core.encode.PlannedFile;
import io.nommer.core.encode.Watermark;
import io.nommer.core.failure.ErrorCode;
import io.nommer.core.failure.TaskFailedException;
import io.nommer.core.media.MediaInfo;
import io.nommer.core.media.StreamInfo;
import io.nommer.core.profile.Profile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compiles a resolved profile and a probed input into ffmpeg runs. Pure: no I/O, no clock, so golden tests pin the
 * exact arguments of every preset.
 *
 * <p>Every run reads only {@code input} with the probed demuxer forced ({@code -f}) and only the {@code file}
 * protocol allowed, writes progress to stdout ({@code -progress pipe:1}) and its CPU time to stderr
 * ({@code -benchmark}).
 */
public final class ProfileCompiler {

    /**
     * How an adaptive-streaming ladder is compiled. Both produce the same files with the same settings.
     */
    public enum LadderMode {
        /**
         * One ffmpeg run: the input is decoded once, the picture {@code split} into one scaled branch per rendition,
         * each encoded with libx264, the audio encoded once, and the muxer packages everything. The default.
         */
        SINGLE_DECODE,
        /**
         * One ffmpeg run per rendition (each decodes the input and encodes one video-only intermediate in the scratch
         * directory, {@code <base>-v<i>.mp4}), one for the audio ({@code <base>-audio.m4a}) when there is audio, then
         * one cheap {@code -c copy} run that packages the intermediates exactly as {@link #SINGLE_DECODE} does.
         * The rendition and audio runs are independent of each other, so they can run anywhere in parallel; the
         * packaging run needs all of them. Smooth Streaming adds its client-manifest run after packaging in both
         * modes.
         */
        PER_RENDITION
    }

    /**
     * Compiles with ladders in {@link LadderMode#SINGLE_DECODE}.
     *
     * @param input the local input file
     * @param outDir where outputs are written (exists, empty)
     * @param baseName output file name without extension; for adaptive streaming, every file's name starts with it
     * @throws TaskFailedException with {@link ErrorCode#NO_VIDEO_STREAM} or {@link ErrorCode#NO_AUDIO_STREAM} when the
     *     input lacks what the profile needs
     */
    public EncodePlan compile(Profile profile, MediaInfo info, Path input, Path outDir, String baseName) {
        return compile(profile, info, input, outDir, baseName, LadderMode.SINGLE_DECODE);
    }

    /**
     * Like {@link #compile(Profile, MediaInfo, Path, Path, String)}, choosing how an adaptive-streaming ladder
     * ({@link Profile#isStreaming()}) runs; other profiles ignore {@code mode}.
     */
    public EncodePlan compile(
            Profile profile, MediaInfo info, Path input, Path outDir, String baseName, LadderMode mode) {
        return compile(profile, info, input, outDir, baseName, mode, null);
    }

    /**
     * Like {@link #compile(Profile, MediaInfo, Path, Path, String, LadderMode)}, drawing {@code watermark} when the
     * profile {@link Profile#drawsWatermark() draws one} (see {@link WatermarkOverlay}).
     *
     * @param watermark the fetched and probed {@code watermark_url}; null when the profile draws none
     * @throws IllegalArgumentException when the profile draws a watermark and {@code watermark} is null
     */
    public EncodePlan compile(
            Profile profile,
            MediaInfo info,
            Path input,
            Path outDir,
            String baseName,
            LadderMode mode,
            Watermark watermark) {
        profile.requireComplete();
        requireClipInside(profile, info);
        if (profile.isStreaming()) {
            return new StreamingCompiler(
                            profile, info, input, outDir, baseName, WatermarkOverlay.of(profile, watermark, 1))
                    .compile(mode);
        }
        return switch (profile.get(KIND)) {
            case VIDEO -> video(profile, info, input, outDir, baseName, WatermarkOverlay.of(profile, watermark, 1));
            case AUDIO -> audio(profile, info, input, outDir, baseName);
            case THUMBNAILS -> thumbnails(profile, info, input, outDir, baseName, watermark);
        };
    }

    /**
     * One rendition of a streaming ladder spread over workers: rung {@code rung} encoded alone to
     * {@code <baseName>-v<rung>.mp4} in {@code outDir} (role {@link PlannedFile#INTERMEDIATE}).
     */
    public EncodePlan compileRendition(
            Profile profile, MediaInfo info, Path input, Path outDir, String baseName, int rung) {
        return compileRendition(profile, info, input, outDir, baseName, rung, null);
    }

    /** Like {@link #compileRendition(Profile, MediaInfo, Path, Path, String, int)}, drawing {@code watermark}. */
    public EncodePlan compileRendition(
            Profile profile, MediaInfo info, Path input, Path outDir, String baseName, int rung, Watermark watermark) {
        return streaming(profile, info, input, outDir, baseName, WatermarkOverlay.of(profile, watermark, 1))
                .rendition(rung);
    }

    /**
     * The packaging of a streaming ladder whose renditions were encoded by {@link #compileRendition}: the audio from
     * {@code input}, then the same files as {@link #compile}, from {@code renditions} (rung index to local file).
     */
    public EncodePlan compilePackaging(
            Profile profile, MediaInfo info, Path input, Path outDir, String baseName, Map<Integer, Path> renditions) {
        // why: packaging copies renditions encoded (and marked) elsewhere; it draws nothing itself
        return streaming(profile, info, input, outDir, baseName, null).packaging(renditions);
    }

    /**
     * @throws TaskFailedException {@link ErrorCode#CLIP_OUTSIDE_INPUT} when {@code clip_offset} is at or past the end
     *     of the input: ffmpeg would make an empty output and blame the input
     */
    static void requireClipInside(Profile p, MediaInfo info) {
        Double offset = p.get(CLIP_OFFSET);
        if (offset != null && info.duration() != null && offset >= info.duration()) {
            throw new TaskFailedException(
                    ErrorCode.CLIP_OUTSIDE_INPUT,
                    String.format(
                            Locale.ROOT,
                            "clip_offset %s s is at or past the end of the input, which lasts %s s",
                            number(offset),
                            number(info.duration())));
        }
    }

    /** How many renditions a streaming profile's ladder has on this input. */
    public int renditions(Profile profile, MediaInfo info) {
        return streaming(profile, info, Path.of("input"), Path.of("out"), "out", null)
                .rungs()
                .size();
    }

    private static StreamingCompiler streaming(
            Profile profile, MediaInfo info, Path input, Path outDir, String baseName, WatermarkOverlay mark) {
        requireClipInside(profile, info);
        profile.requireComplete();
        if (!profile.isStreaming()) {
            throw new IllegalArgumentException("not an adaptive-streaming profile: format " + profile.get(FORMAT));
        }
        return new StreamingCompiler(profile, info, input, outDir, baseName, mark);
    }

    private EncodePlan video(
            Profile p, MediaInfo info, Path input, Path outDir, String baseName, WatermarkOverlay mark) {
        StreamInfo v = requireVideo(info);
        boolean withAudio = info.audio().isPresent() && p.get(AUDIO_CODEC) != null;
        Path out = outDir.resolve(baseName + p.get(EXTNAME));
        VideoChain chain = VideoChain.of(p, v);
        String filter = chain.picture();
        if (mark != null) {
            // after the picture is made (the mark is placed on the output's frame), before its timing: the frame-rate
            // conversion and the fields of an interlaced output
            filter = mark.over(filter, geometry(p, v));
        }
        if (!chain.timing().isEmpty()) {
            filter += "," + chain.timing();
        }
        boolean twoPass = Boolean.TRUE.equals(p.get(TWO_PASS)) && p.get(VIDEO_BITRATE) != null;
        List<FfmpegCommand> commands = new ArrayList<>();
        if (twoPass) {
            Path passLog = outDir.resolve(baseName + "-pass");
            // why: left to ffmpeg, the frame-rate mode follows the muxer: passthrough for pass 1's null muxer, constant
            // for an mp4, so pass 2 can see a frame pass 1 never did (x264: "Incomplete MB-tree stats file"); both
            // passes get what ffmpeg would choose for the real output
            List<String> fpsMode = List.of("-fps_mode", VARIABLE_FPS_FORMATS.contains(p.get(FORMAT)) ? "vfr" : "cfr");
            List<String> first = head(p, info, input, mark);
            first.addAll(List.of("-map", mark == null ? "0:v:0" : "[v]"));
            first.addAll(videoFilter(filter, mark));
            first.addAll(fpsMode);
            videoCodec(p, first);
            first.addAll(List.of("-pass", "1", "-passlogfile", passLog.toString(), "-an", "-f", "null", "-"));
            commands.add(new FfmpegCommand("pass 1 of 2", first));
            List<String> second = videoArgs(p, info, input, mark, filter, withAudio);
            second.addAll(fpsMode);
            second.addAll(List.of("-pass", "2", "-passlogfile", passLog.toString()));
            tail(p, second, out);
            commands.add(new FfmpegCommand("pass 2 of 2", second));
        } else {
            List<String> args = videoArgs(p, info, input, mark, filter, withAudio);
            tail(p, args, out);
            commands.add(new FfmpegCommand("encode", args));
        }
        return new EncodePlan(commands, List.of(new PlannedFile(out, "video")), mediaSeconds(p, info));
    }

    /** Muxers that take frames at any times (AVFMT_VARIABLE_FPS); ffmpeg gives the others a constant frame rate. */
    private static final java.util.Set<String> VARIABLE_FPS_FORMATS =
            java.util.Set.of("webm", "matroska", "flv", "mpegts");

    private List<String> videoArgs(
            Profile p, MediaInfo info, Path input, WatermarkOverlay mark, String filter, boolean withAudio) {
        List<String> a = head(p, info, input, mark);
        a.addAll(List.of("-map", mark == null ? "0:v:0" : "[v]"));
        if (withAudio) {
            a.addAll(List.of("-map", "0:a:0"));
        }
        a.addAll(videoFilter(filter, mark));
        videoCodec(p, a);
        if (withAudio) {
            audioCodec(p, a);
        } else {
            a.add("-an");
        }
        a.add("-sn");
        a.add("-dn");
        return a;
    }

    private EncodePlan audio(Profile p, MediaInfo info, Path input, Path outDir, String baseName) {
        if (info.audio().isEmpty()) {
            throw new TaskFailedException(
                    ErrorCode.NO_AUDIO_STREAM, "the input has no audio stream; this output is audio-only");
        }
        Path out = outDir.resolve(baseName + p.get(EXTNAME));
        List<String> a = head(p, info, input);
        a.addAll(List.of("-map", "0:a:0", "-vn", "-sn", "-dn"));
        audioCodec(p, a);
        tail(p, a, out);
        return new EncodePlan(
                List.of(new FfmpegCommand("encode", a)), List.of(new PlannedFile(out, "audio")), mediaSeconds(p, info));
    }

    private EncodePlan thumbnails(
            Profile p, MediaInfo info, Path input, Path outDir, String baseName, Watermark watermark) {
        StreamInfo v = requireVideo(info);
        int count = p.get(FRAME_COUNT, 7);
        double start = p.get(CLIP_OFFSET, 0.0);
        Double length = mediaSeconds(p, info);
        if (length == null) {
            throw new TaskFailedException(
                    ErrorCode.UNKNOWN_DURATION,
                    "the input's duration is unknown, so thumbnails cannot be spaced evenly");
        }
        Geometry g = geometry(p, v);
        String filter = VideoChain.of(p, v).picture();
        List<String> a = common();
        // One fast input seek per thumbnail: evenly spaced, never the very first or last frame.
        for (int i = 0; i < count; i++) {
            double t = start + length * (i + 1) / (count + 1);
            a.addAll(List.of("-ss", seconds(t)));
            input(info, input, a);
        }
        WatermarkOverlay mark = WatermarkOverlay.of(p, watermark, count);
        if (mark != null) {
            mark.input(a);
            a.addAll(List.of("-filter_complex", mark.overEach(filter, count, g)));
        }
        List<PlannedFile> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path out = outDir.resolve(String.format(Locale.ROOT, "%s_%02d%s", baseName, i + 1, p.get(EXTNAME)));
            a.addAll(List.of("-map", mark == null ? i + ":v:0" : "[t" + i + "]", "-frames:v", "1"));
            if (mark == null) {
                a.addAll(List.of("-vf", filter));
            }
            a.addAll(List.of(
                    "-c:v", p.get(VIDEO_CODEC), "-q:v", "2", "-f", p.get(FORMAT), "-update", "1", "file:" + out));
            files.add(new PlannedFile(out, "thumbnail"));
        }
        return new EncodePlan(List.of(new FfmpegCommand("thumbnails", a)), files, null);
    }

    // ------------------------------------------------------------------ pieces

    /**
     * The private directory a plan for {@code outDir} keeps intermediates and key material in: a sibling of
     * {@code outDir} (so never published with it) named after it.
     */
    public static Path scratchDir(Path outDir) {
        return outDir.resolveSibling(outDir.getFileName() + ".scratch");
    }

    static List<String> common() {
        return new ArrayList<>(
                List.of("-hide_banner", "-nostdin", "-y", "-benchmark", "-progress", "pipe:1", "-nostats"));
    }

    static List<String> head(Profile p, MediaInfo info, Path input) {
        return head(p, info, input, null);
    }

    /** The common options and the inputs: the clipped input, then the watermark image when there is one. */
    static List<String> head(Profile p, MediaInfo info, Path input, WatermarkOverlay mark) {
        List<String> a = common();
        if (p.get(CLIP_OFFSET) != null && p.get(CLIP_OFFSET) > 0) {
            a.addAll(List.of("-ss", seconds(p.get(CLIP_OFFSET))));
        }
        input(info, input, a);
        if (mark != null) {
            // why: before -t, which after the last input is an output option; after it, the image's input option
            mark.input(a);
        }
        if (p.get(CLIP_LENGTH) != null) {
            a.addAll(List.of("-t", seconds(p.get(CLIP_LENGTH))));
        }
        return a;
    }

    static void input(MediaInfo info, Path input, List<String> a) {
        a.addAll(List.of("-protocol_whitelist", "file", "-f", info.demuxer(), "-i", "file:" + input));
    }

    /** A simple graph as {@code -vf}, or, with a watermark, the graph (labelled {@code [v]}) as a complex one. */
    private static List<String> videoFilter(String filter, WatermarkOverlay mark) {
        return mark == null ? List.of("-vf", filter) : List.of("-filter_complex", filter + "[v]");
    }

    private static void videoCodec(Profile p, List<String> a) {
        a.addAll(List.of("-c:v", p.get(VIDEO_CODEC)));
        switch (p.get(VIDEO_CODEC)) {
            case "libx264" -> {
                a.addAll(List.of("-preset", orDefault(p.get(H264_PRESET), "medium")));
                if (p.get(VIDEO_BITRATE) != null) {
                    a.addAll(List.of("-b:v", p.get(VIDEO_BITRATE) + "k"));
                } else {
                    a.addAll(List.of("-crf", Integer.toString(p.get(H264_CRF, 23))));
                }
                if (p.get(H264_PROFILE) != null) {
                    a.addAll(List.of("-profile:v", p.get(H264_PROFILE)));
                }
                if (p.get(H264_LEVEL) != null) {
                    a.addAll(List.of("-level:v", p.get(H264_LEVEL)));
                }
            }
            case "libvpx-vp9" -> {
                if (p.get(VIDEO_BITRATE) != null) {
                    a.addAll(List.of("-b:v", p.get(VIDEO_BITRATE) + "k"));
                } else {
                    a.addAll(List.of("-crf", Integer.toString(p.get(VP9_CRF, 33)), "-b:v", "0"));
                }
                a.addAll(List.of(
                        "-deadline", "good", "-cpu-used", Integer.toString(p.get(VP9_SPEED, 5)), "-row-mt", "1"));
            }
            // DV's bit rate is fixed by the standard (25 Mbit/s of video)
            case "dvvideo" -> {}
            default -> a.addAll(List.of("-b:v", (p.get(VIDEO_BITRATE, 1000)) + "k"));
        }
        if (p.get(INTERLACED, false)) {
            interlacedCoding(p, a);
        }
        if (p.get(CODEC_OPTIONS) != null) {
            a.addAll(p.get(CODEC_OPTIONS));
        }
        if (p.get(FPS) != null) {
            a.addAll(List.of("-r", p.get(FPS).toString()));
        }
        if (p.get(KEYFRAME_INTERVAL) != null) {
            a.addAll(List.of("-g", Integer.toString(p.get(KEYFRAME_INTERVAL))));
        }
        // why: NTSC DV samples its colour 4:1:1; every other output here is 4:2:0
        boolean ntscDv =
                p.get(VIDEO_CODEC).equals("dvvideo") && Integer.valueOf(480).equals(p.get(HEIGHT));
        a.addAll(List.of("-pix_fmt", ntscDv ? "yuv411p" : "yuv420p"));
    }

    /**
     * Field-aware coding (interlaced DCT and motion estimation) and the field order written into the stream; x264
     * does not take it from the frames, so it is told.
     */
    private static void interlacedCoding(Profile p, List<String> a) {
        boolean tff = p.topFieldFirst();
        switch (p.get(VIDEO_CODEC)) {
            case "libx264" -> a.addAll(List.of("-flags:v", "+ilme+ildct", "-x264-params", tff ? "tff=1" : "bff=1"));
            case "mpeg2video" ->
                a.addAll(List.of("-flags:v", "+ilme+ildct", "-alternate_scan:v", "1", "-top:v", tff ? "1" : "0"));
            case "dvvideo" -> a.addAll(List.of("-flags:v", "+ildct"));
            default -> throw new IllegalStateException("not an interlaced codec: " + p.get(VIDEO_CODEC));
        }
    }

    static void audioCodec(Profile p, List<String> a) {
        a.addAll(List.of("-c:a", p.get(AUDIO_CODEC)));
        if (p.get(AUDIO_BITRATE) != null) {
            a.addAll(List.of("-b:a", p.get(AUDIO_BITRATE) + "k"));
        }
        if (p.get(AUDIO_SAMPLE_RATE) != null) {
            a.addAll(List.of("-ar", Integer.toString(p.get(AUDIO_SAMPLE_RATE))));
        }
        if (p.get(AUDIO_CHANNELS) != null) {
            a.addAll(List.of("-ac", Integer.toString(p.get(AUDIO_CHANNELS))));
        }
    }

    private static void tail(Profile p, List<String> a, Path out) {
        if (Boolean.TRUE.equals(p.get(FASTSTART))) {
            a.addAll(List.of("-movflags", "+faststart"));
        }
        a.addAll(List.of("-f", p.get(FORMAT), "file:" + out));
    }

    static StreamInfo requireVideo(MediaInfo info) {
        return info.video()
                .filter(s -> s.width() != null && s.height() != null && s.width() > 0 && s.height() > 0)
                .orElseThrow(() -> new TaskFailedException(
                        ErrorCode.NO_VIDEO_STREAM, "the input has no video stream; this output needs video"));
    }

    static Geometry geometry(Profile p, StreamInfo v) {
        double[] d = displaySize(v);
        return Geometry.fit(
                d[0],
                d[1],
                p.get(WIDTH),
                p.get(HEIGHT),
                p.get(ASPECT_MODE),
                p.upscaleOrDefault(),
                p.get(DISPLAY_ASPECT_RATIO));
    }

    /** Width (square pixels) and height of the picture ffmpeg scales. */
    static double[] displaySize(StreamInfo v) {
        double w = v.width() * v.sampleAspect();
        double h = v.height();
        if (Math.abs(v.rotation()) % 180 == 90) {
            // ffmpeg auto-rotates; the picture it scales is the rotated one.
            return new double[] {h, w};
        }
        return new double[] {w, h};
    }

    /** Seconds of media a run covers, after clipping; null when the input's duration is unknown. */
    static Double mediaSeconds(Profile p, MediaInfo info) {
        return clipped(p, info.duration());
    }

    /** What remains of {@code d} seconds of input after the profile's clip offset and length; null if unknown. */
    static Double clipped(Profile p, Double d) {
        if (d == null) {
            return p.get(CLIP_LENGTH);
        }
        double remaining = Math.max(0, d - p.get(CLIP_OFFSET, 0.0));
        return p.get(CLIP_LENGTH) == null ? remaining : Math.min(remaining, p.get(CLIP_LENGTH));
    }

    static String orDefault(String v, String d) {
        return v == null ? d : v;
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }

    static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.3f", d);
    }
}
