package io.nommer.core.profile;

import io.nommer.core.command.CustomCommand;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A declarative encoding profile: a typed value of the fields declared below, each optional so that a profile can be
 * laid over another ({@link #overlay}): a preset, then a stored profile, then the job output's overrides. Wire names
 * are Panda's where Panda had one ({@code video_bitrate}, {@code aspect_mode}, ...). Bitrates are kbit/s, times are
 * seconds. {@link ProfileJson} reads and writes profiles as JSON.
 *
 * <p>Adding a field is one declaration here (its wire name, type and limits, in the order profiles are listed back)
 * plus the code that uses it; reading, writing, overlaying and listing go over {@link #fields()}.
 *
 * <p>Adaptive streaming ({@code format} {@code hls}, {@code dash} or {@code ismv} for Smooth Streaming, see
 * {@link #STREAMING_EXTNAMES}): {@code renditions} (1-4) rungs of a bitrate ladder topped by {@code video_bitrate},
 * {@code segment_time} seconds per segment (default 6), and for HLS an optional {@code audio_only_variant} and AES-128
 * {@code encryption} with {@code encryption_key} and {@code encryption_iv} (32 hex characters each, filled per job by
 * the submission layer) and {@code encryption_key_url} (the key URI players are given). {@code aspect_mode},
 * {@code keyframe_interval}, {@code h264_crf}, {@code two_pass} and {@code faststart} do not apply to ladders.
 */
public final class Profile {
    public static final Set<String> VIDEO_CODECS =
            Set.of("libx264", "mpeg4", "flv", "libvpx-vp9", "mjpeg", "mpeg2video", "dvvideo");
    public static final Set<String> AUDIO_CODECS = Set.of("aac", "libmp3lame", "libopus", "mp2", "ac3", "pcm_s16le");
    public static final Set<String> FORMATS =
            Set.of("mp4", "flv", "webm", "mp3", "ipod", "image2", "hls", "dash", "ismv", "mpegts", "dv");
    /** Video codecs nommer encodes as interlaced fields ({@code interlaced: true}). */
    public static final Set<String> INTERLACED_CODECS = Set.of("mpeg2video", "libx264", "dvvideo");
    /** The frame rates MPEG-1/2 video can signal; its encoder refuses any other. */
    public static final Set<FrameRate> MPEG2_FRAME_RATES = Set.of(
            new FrameRate(24000, 1001),
            new FrameRate(24, 1),
            new FrameRate(25, 1),
            new FrameRate(30000, 1001),
            new FrameRate(30, 1),
            new FrameRate(50, 1),
            new FrameRate(60000, 1001),
            new FrameRate(60, 1));
    /**
     * Adaptive-streaming formats and the extnames each accepts: the first delivers every file separately (named by
     * the main manifest), {@code .tar} delivers one archive holding them all. {@code ismv} is Smooth Streaming.
     */
    public static final Map<String, List<String>> STREAMING_EXTNAMES = Map.of(
            "hls", List.of(".m3u8", ".tar"),
            "dash", List.of(".mpd", ".tar"),
            "ismv", List.of(".ism", ".tar"));
    /** Most renditions a ladder may have: the top bitrate, then half, a quarter and an eighth of it. */
    public static final int MAX_RENDITIONS = 4;

    public static final Set<Integer> SAMPLE_RATES =
            Set.of(8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 96000);
    public static final Set<String> H264_PROFILES = Set.of("baseline", "main", "high");
    public static final Set<String> H264_LEVELS = Set.of("3.0", "3.1", "3.2", "4.0", "4.1", "4.2", "5.0", "5.1", "5.2");
    public static final Set<String> H264_PRESETS =
            Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow");
    private static final Pattern EXTNAME_PATTERN = Pattern.compile("\\.[a-z0-9]{1,8}");
    private static final double MAX_SECONDS = 7 * 24 * 3600;

    // ---------------------------------------------------------------- the fields, in the order they are listed back

    public static final ProfileField<OutputKind> KIND = ProfileField.enumeration(
            "kind",
            s -> OutputKind.valueOf(s.toUpperCase(Locale.ROOT)),
            k -> k.name().toLowerCase(Locale.ROOT),
            "video, audio, thumbnails");
    public static final ProfileField<String> FORMAT = ProfileField.oneOf("format", FORMATS);
    public static final ProfileField<String> EXTNAME = ProfileField.string("extname", s -> {
        if (!EXTNAME_PATTERN.matcher(s).matches()) {
            throw new IllegalArgumentException("must look like \".mp4\" (a dot and 1-8 lowercase letters or digits)");
        }
        return s;
    });
    public static final ProfileField<String> VIDEO_CODEC = ProfileField.oneOf("video_codec", VIDEO_CODECS);
    public static final ProfileField<String> AUDIO_CODEC = ProfileField.oneOf("audio_codec", AUDIO_CODECS);
    public static final ProfileField<Integer> WIDTH = ProfileField.integer("width", 16, 7680, Profile::even);
    public static final ProfileField<Integer> HEIGHT = ProfileField.integer("height", 16, 4320, Profile::even);
    public static final ProfileField<AspectMode> ASPECT_MODE = ProfileField.enumeration(
            "aspect_mode", AspectMode::parse, AspectMode::wireName, "preserve, letterbox, pad, crop, stretch");
    public static final ProfileField<Boolean> UPSCALE = ProfileField.bool("upscale");
    public static final ProfileField<Integer> VIDEO_BITRATE = ProfileField.integer("video_bitrate", 16, 200_000);
    public static final ProfileField<FrameRate> FPS = ProfileField.frameRate("fps", 1, 120);
    public static final ProfileField<FrameRateConversion> FRAME_RATE_CONVERSION = ProfileField.enumeration(
            "frame_rate_conversion",
            FrameRateConversion::parse,
            FrameRateConversion::wireName,
            "duplicate, blend, motion_compensated");
    /** Whether the video is encoded as interlaced fields (SD television); needs {@code fps}. */
    public static final ProfileField<Boolean> INTERLACED = ProfileField.bool("interlaced");
    /** Which field is shown first when {@code interlaced}: {@code tff} (top, the default) or {@code bff}. */
    public static final ProfileField<String> FIELD_ORDER = ProfileField.oneOf("field_order", Set.of("tff", "bff"));
    /**
     * The shape the {@code width} x {@code height} frame is shown at; pixels are then not square (anamorphic) and
     * {@code aspect_mode} fits the source in display space.
     */
    public static final ProfileField<DisplayAspect> DISPLAY_ASPECT_RATIO = ProfileField.custom(
            "display_aspect_ratio", raw -> DisplayAspect.parse(ProfileField.asString(raw)), DisplayAspect::toString);

    public static final ProfileField<Integer> KEYFRAME_INTERVAL = ProfileField.integer("keyframe_interval", 1, 1000);
    public static final ProfileField<Integer> AUDIO_BITRATE = ProfileField.integer("audio_bitrate", 8, 640);
    public static final ProfileField<Integer> AUDIO_SAMPLE_RATE =
            ProfileField.integer("audio_sample_rate", 8000, 96000, r -> {
                if (!SAMPLE_RATES.contains(r)) {
                    throw new IllegalArgumentException("must be one of " + new TreeSet<>(SAMPLE_RATES));
                }
                return r;
            });
    public static final ProfileField<Integer> AUDIO_CHANNELS = ProfileField.integer("audio_channels", 1, 8);
    public static final ProfileField<Integer> H264_CRF = ProfileField.integer("h264_crf", 0, 51);
    public static final ProfileField<String> H264_PROFILE = ProfileField.oneOf("h264_profile", H264_PROFILES);
    /** A string such as {@code "3.1"}; a JSON number is taken too. */
    public static final ProfileField<String> H264_LEVEL = ProfileField.custom(
            "h264_level",
            raw -> ProfileField.requireOneOf(
                    raw instanceof Number n
                            ? String.format(Locale.ROOT, "%.1f", n.doubleValue())
                            : ProfileField.asString(raw),
                    H264_LEVELS),
            s -> s);

    public static final ProfileField<String> H264_PRESET = ProfileField.oneOf("h264_preset", H264_PRESETS);
    public static final ProfileField<Integer> VP9_CRF = ProfileField.integer("vp9_crf", 0, 63);
    public static final ProfileField<Integer> VP9_SPEED = ProfileField.integer("vp9_speed", 0, 8);
    public static final ProfileField<Boolean> TWO_PASS = ProfileField.bool("two_pass");
    public static final ProfileField<Double> CLIP_OFFSET = ProfileField.number("clip_offset", 0, MAX_SECONDS);
    public static final ProfileField<Double> CLIP_LENGTH = ProfileField.number("clip_length", 0, MAX_SECONDS, d -> {
        if (d <= 0) {
            throw new IllegalArgumentException("must be greater than 0");
        }
        return d;
    });
    public static final ProfileField<Integer> FRAME_COUNT = ProfileField.integer("frame_count", 1, 100);
    public static final ProfileField<Priority> PRIORITY =
            ProfileField.enumeration("priority", Priority::parse, Priority::wireName, "high, normal, low");
    /**
     * The stack (a named, versioned toolchain, see {@link io.nommer.core.stack.Stack}) the output runs on; without
     * one, the default stack. Resolved when the job is submitted: the task then carries the name it runs on.
     */
    public static final ProfileField<String> STACK = ProfileField.string("stack", Profile::stackName);

    public static final ProfileField<Boolean> FASTSTART = ProfileField.bool("faststart");
    public static final ProfileField<Double> SEGMENT_TIME = ProfileField.number("segment_time", 1, 60);
    public static final ProfileField<Integer> RENDITIONS = ProfileField.integer("renditions", 1, MAX_RENDITIONS);
    public static final ProfileField<Boolean> AUDIO_ONLY_VARIANT = ProfileField.bool("audio_only_variant");
    public static final ProfileField<Boolean> ENCRYPTION = ProfileField.bool("encryption");
    /** The AES-128 key: never rendered by the API (the key endpoint serves it to the job's owner), masked in logs. */
    public static final ProfileField<String> ENCRYPTION_KEY = ProfileField.hex128("encryption_key", true);

    public static final ProfileField<String> ENCRYPTION_IV = ProfileField.hex128("encryption_iv", false);
    public static final ProfileField<String> ENCRYPTION_KEY_URL =
            ProfileField.string("encryption_key_url", Profile::keyUrl);
    /**
     * A picture drawn over the video (Panda's names): {@code watermark_url} is any URI an input may be, fetched by the
     * worker with the same checks; the other fields need it. Placement and defaults: see
     * {@code io.nommer.core.compile.WatermarkOverlay}.
     */
    public static final ProfileField<String> WATERMARK_URL =
            ProfileField.string("watermark_url", Profile::watermarkUrl);

    public static final ProfileField<PixelsOrPercent> WATERMARK_TOP = lengthField("watermark_top", 0);
    public static final ProfileField<PixelsOrPercent> WATERMARK_BOTTOM = lengthField("watermark_bottom", 0);
    public static final ProfileField<PixelsOrPercent> WATERMARK_LEFT = lengthField("watermark_left", 0);
    public static final ProfileField<PixelsOrPercent> WATERMARK_RIGHT = lengthField("watermark_right", 0);
    public static final ProfileField<PixelsOrPercent> WATERMARK_WIDTH = lengthField("watermark_width", 1);
    public static final ProfileField<PixelsOrPercent> WATERMARK_HEIGHT = lengthField("watermark_height", 1);
    public static final ProfileField<Double> WATERMARK_OPACITY = ProfileField.number("watermark_opacity", 0, 1);
    public static final ProfileField<Boolean> WATERMARK_THUMBNAILS = ProfileField.bool("watermark_thumbnails");
    /**
     * A stored profile's own ffmpeg command, Panda style: one line per ffmpeg run, with nommer's tokens (checked
     * against the allowlist by {@code io.nommer.core.command.CustomCommand} when the profile is stored and when a task
     * runs it). Only {@link #COMMAND_FIELDS} may be set beside it.
     */
    public static final ProfileField<String> COMMAND = ProfileField.string("command", Profile::commandText);
    /** Preset-only codec options that users may not set (the seed's mpeg4 tuning, say). */
    public static final ProfileField<List<String>> CODEC_OPTIONS = ProfileField.presetOnlyStrings("codec_options");

    // ---------------------------------------------------------------- (declare fields above this line)

    private static final List<ProfileField<?>> FIELDS = ProfileField.registered();
    public static final Profile EMPTY = new Profile(new Object[FIELDS.size()]);

    /**
     * The fields a profile with a {@link #COMMAND} may set: what its output is ({@code kind}, {@code extname}), the
     * values its tokens stand for, what {@code $filters$} builds the frame from, and the job's priority. Every other
     * field says how nommer would encode, which the command says instead.
     */
    public static final List<ProfileField<?>> COMMAND_FIELDS = List.of(
            KIND,
            EXTNAME,
            WIDTH,
            HEIGHT,
            ASPECT_MODE,
            UPSCALE,
            VIDEO_BITRATE,
            FPS,
            FRAME_RATE_CONVERSION,
            AUDIO_BITRATE,
            AUDIO_SAMPLE_RATE,
            AUDIO_CHANNELS,
            PRIORITY,
            STACK,
            COMMAND);

    /** Values by field index; null is absent. Never modified after construction. */
    private final Object[] values;

    private Profile(Object[] values) {
        this.values = values;
    }

    /** Every field, in the order profiles are listed back. */
    public static List<ProfileField<?>> fields() {
        return FIELDS;
    }

    /** The field with this wire name. */
    public static Optional<ProfileField<?>> field(String name) {
        return ProfileField.registered(name);
    }

    public static Builder builder() {
        return new Builder(EMPTY);
    }

    /** The field's value, or null when this profile does not set it. */
    @SuppressWarnings("unchecked")
    public <T> T get(ProfileField<T> field) {
        return (T) values[field.index()];
    }

    public <T> T get(ProfileField<T> field, T orElse) {
        T v = get(field);
        return v == null ? orElse : v;
    }

    public boolean has(ProfileField<?> field) {
        return values[field.index()] != null;
    }

    /** This profile with {@code field} set to {@code value}, checked as if it came from JSON. */
    public <T> Profile with(ProfileField<T> field, T value) {
        return new Builder(this).set(field, value).build();
    }

    /** This profile with every field that {@code top} sets replacing its own. */
    public Profile overlay(Profile top) {
        Object[] merged = values.clone();
        for (int i = 0; i < merged.length; i++) {
            if (top.values[i] != null) {
                merged[i] = top.values[i];
            }
        }
        return new Profile(merged);
    }

    public Priority priorityOrDefault() {
        return get(PRIORITY, Priority.NORMAL);
    }

    public boolean upscaleOrDefault() {
        return get(UPSCALE, false);
    }

    public boolean encryptionOrDefault() {
        return get(ENCRYPTION, false);
    }

    /** Whether this profile packages for adaptive streaming (HLS, DASH, Smooth Streaming). */
    public boolean isStreaming() {
        return has(FORMAT) && STREAMING_EXTNAMES.containsKey(get(FORMAT));
    }

    /**
     * Checks that a fully resolved profile can be compiled: the fields a kind needs are present and consistent.
     *
     * @throws InvalidProfileException naming every problem
     */
    public Profile requireComplete() {
        List<ProfileViolation> v = new ArrayList<>();
        if (has(COMMAND)) {
            commandOnly(v);
            if (!v.isEmpty()) {
                throw new InvalidProfileException(v);
            }
            return this;
        }
        OutputKind kind = get(KIND);
        String format = get(FORMAT);
        AspectMode aspectMode = get(ASPECT_MODE);
        requirePresent(v, KIND, "is required");
        requirePresent(v, FORMAT, "is required");
        requirePresent(v, EXTNAME, "is required");
        if (kind == OutputKind.VIDEO) {
            requirePresent(v, VIDEO_CODEC, "is required for a video output");
        }
        if (kind == OutputKind.AUDIO) {
            requirePresent(v, AUDIO_CODEC, "is required for an audio output");
        }
        if (has(WIDTH) != has(HEIGHT) && aspectMode != null && aspectMode != AspectMode.PRESERVE) {
            v.add(new ProfileViolation(
                    has(WIDTH) ? "height" : "width", "is required with aspect_mode " + aspectMode.wireName()));
        }
        if (has(FRAME_RATE_CONVERSION) && !has(FPS)) {
            v.add(new ProfileViolation("frame_rate_conversion", "needs fps (the frame rate to convert to)"));
        }
        if (kind != null && kind != OutputKind.VIDEO) {
            for (ProfileField<?> f : List.of(INTERLACED, FIELD_ORDER, DISPLAY_ASPECT_RATIO)) {
                requireAbsent(v, f, "is only available for video outputs");
            }
        } else {
            television(v, format);
        }
        watermark(v, kind);
        if (isStreaming()) {
            streaming(v, format);
        } else {
            hlsOnly(v, format);
            if (kind == OutputKind.VIDEO && get(TWO_PASS, false) && !has(VIDEO_BITRATE)) {
                // why: a second pass aims the whole file at a bit rate; without one it would silently run one pass
                v.add(new ProfileViolation("two_pass", "needs video_bitrate (the bit rate both passes aim at)"));
            }
        }
        if (!v.isEmpty()) {
            throw new InvalidProfileException(v);
        }
        return this;
    }

    /** Whether this profile runs its own {@link #COMMAND} instead of what nommer would compile. */
    public boolean hasCommand() {
        return has(COMMAND);
    }

    /** A command profile: its output's extname, and nothing beside the command that the command would ignore. */
    private void commandOnly(List<ProfileViolation> v) {
        requirePresent(v, EXTNAME, "is required: it names what the command's $output_file$ is");
        for (ProfileField<?> f : FIELDS) {
            if (has(f) && !COMMAND_FIELDS.contains(f)) {
                v.add(new ProfileViolation(
                        f.name(),
                        "cannot be set with command: the command says how to encode (see README, Custom commands)"));
            }
        }
        if (get(KIND) == OutputKind.THUMBNAILS) {
            v.add(new ProfileViolation("kind", "must be video or audio with command"));
        }
    }

    private void requirePresent(List<ProfileViolation> v, ProfileField<?> field, String message) {
        if (!has(field)) {
            v.add(new ProfileViolation(field.name(), message));
        }
    }

    /** Interlacing, anamorphic frames, and what MPEG-2 and DV can carry. */
    private void television(List<ProfileViolation> v, String format) {
        boolean interlaced = get(INTERLACED, false);
        String codec = get(VIDEO_CODEC);
        FrameRate fps = get(FPS);
        if (isStreaming()) {
            for (ProfileField<?> f : List.of(INTERLACED, FIELD_ORDER, DISPLAY_ASPECT_RATIO)) {
                // why: ladders are progressive with square pixels, which is what every streaming player expects
                requireAbsent(v, f, "is not available with format " + format);
            }
            return;
        }
        if (has(FIELD_ORDER) && !interlaced) {
            v.add(new ProfileViolation("field_order", "needs interlaced: true"));
        }
        if (interlaced && !has(FPS)) {
            v.add(new ProfileViolation("interlaced", "needs fps (the frame rate, e.g. \"30000/1001\" or 25)"));
        }
        if (interlaced && codec != null && !INTERLACED_CODECS.contains(codec)) {
            v.add(new ProfileViolation(
                    "interlaced",
                    "is available with video_codec " + String.join(", ", new TreeSet<>(INTERLACED_CODECS)) + ", not "
                            + codec));
        }
        if (has(DISPLAY_ASPECT_RATIO) && !(has(WIDTH) && has(HEIGHT))) {
            v.add(new ProfileViolation("display_aspect_ratio", "needs width and height (the frame it describes)"));
        }
        if ("mpeg2video".equals(codec) && fps != null && !MPEG2_FRAME_RATES.contains(fps)) {
            v.add(new ProfileViolation(
                    "fps",
                    "must be one MPEG-2 can carry with video_codec mpeg2video: 24000/1001, 24, 25, 30000/1001, "
                            + "30, 50, 60000/1001 or 60"));
        }
        if ("dvvideo".equals(codec) || "dv".equals(format)) {
            dv(v, codec, format, fps);
        }
    }

    /** DV carries exactly two pictures: NTSC (720x480, 30000/1001) and PAL (720x576, 25), fields bottom first. */
    private void dv(List<ProfileViolation> v, String codec, String format, FrameRate fps) {
        if (!"dvvideo".equals(codec)) {
            v.add(new ProfileViolation("video_codec", "must be dvvideo with format dv"));
        }
        if (!"dv".equals(format)) {
            v.add(new ProfileViolation("format", "must be dv with video_codec dvvideo"));
        }
        boolean ntsc = Integer.valueOf(480).equals(get(HEIGHT)) && new FrameRate(30000, 1001).equals(fps);
        boolean pal = Integer.valueOf(576).equals(get(HEIGHT)) && new FrameRate(25, 1).equals(fps);
        if (!Integer.valueOf(720).equals(get(WIDTH)) || !(ntsc || pal)) {
            v.add(new ProfileViolation(
                    "video_codec",
                    "dvvideo needs width 720 and either height 480 with fps 30000/1001 (NTSC) or "
                            + "height 576 with fps 25 (PAL)"));
        }
        if ("tff".equals(get(FIELD_ORDER))) {
            v.add(new ProfileViolation("field_order", "must be bff with dvvideo (DV is bottom field first)"));
        }
        if (has(AUDIO_CODEC) && !"pcm_s16le".equals(get(AUDIO_CODEC))) {
            v.add(new ProfileViolation("audio_codec", "must be pcm_s16le with format dv"));
        }
        if (has(AUDIO_SAMPLE_RATE) && get(AUDIO_SAMPLE_RATE) != 48000 && get(AUDIO_SAMPLE_RATE) != 32000) {
            v.add(new ProfileViolation("audio_sample_rate", "must be 48000 or 32000 with format dv"));
        }
        if (has(AUDIO_CHANNELS) && get(AUDIO_CHANNELS) != 2) {
            v.add(new ProfileViolation("audio_channels", "must be 2 with format dv"));
        }
    }

    /** The field shown first when interlaced: true for top field first (the default), false for bottom. */
    public boolean topFieldFirst() {
        return !"bff".equals(get(FIELD_ORDER));
    }

    private static final List<ProfileField<?>> WATERMARK_DETAILS = List.of(
            WATERMARK_TOP,
            WATERMARK_BOTTOM,
            WATERMARK_LEFT,
            WATERMARK_RIGHT,
            WATERMARK_WIDTH,
            WATERMARK_HEIGHT,
            WATERMARK_OPACITY,
            WATERMARK_THUMBNAILS);

    private void watermark(List<ProfileViolation> v, OutputKind kind) {
        if (!has(WATERMARK_URL)) {
            for (ProfileField<?> f : WATERMARK_DETAILS) {
                requireAbsent(v, f, "needs watermark_url (the picture to draw)");
            }
            return;
        }
        if (kind == OutputKind.AUDIO) {
            // why: refused rather than ignored, so that nobody believes an audio file carries their mark
            v.add(new ProfileViolation("watermark_url", "cannot mark an audio output: it has no picture"));
        }
        if (has(WATERMARK_LEFT) && has(WATERMARK_RIGHT)) {
            v.add(new ProfileViolation(
                    "watermark_right", "cannot be set with watermark_left: the mark is placed from one side"));
        }
        if (has(WATERMARK_TOP) && has(WATERMARK_BOTTOM)) {
            v.add(new ProfileViolation(
                    "watermark_bottom", "cannot be set with watermark_top: the mark is placed from one side"));
        }
    }

    private void requireAbsent(List<ProfileViolation> v, ProfileField<?> field, String message) {
        if (has(field)) {
            v.add(new ProfileViolation(field.name(), message));
        }
    }

    /**
     * Whether this output draws the watermark: it has {@code watermark_url}, and is video, or thumbnails with
     * {@code watermark_thumbnails}.
     */
    public boolean drawsWatermark() {
        return has(WATERMARK_URL)
                && (get(KIND) == OutputKind.VIDEO
                        || get(KIND) == OutputKind.THUMBNAILS && get(WATERMARK_THUMBNAILS, false));
    }

    private void hlsOnly(List<ProfileViolation> v, String format) {
        if (encryptionOrDefault()) {
            v.add(new ProfileViolation("encryption", "is only available with format hls, not " + format));
        }
        if (get(AUDIO_ONLY_VARIANT, false)) {
            v.add(new ProfileViolation("audio_only_variant", "is only available with format hls, not " + format));
        }
    }

    private void streaming(List<ProfileViolation> v, String format) {
        List<String> extnames = STREAMING_EXTNAMES.get(format);
        String extname = get(EXTNAME);
        if (extname != null && !extnames.contains(extname)) {
            v.add(new ProfileViolation(
                    "extname",
                    "must be " + String.join(" or ", extnames) + " with format " + format
                            + " (separate files or one archive), not '" + extname + "'"));
        }
        if (has(KIND) && get(KIND) != OutputKind.VIDEO) {
            v.add(new ProfileViolation("kind", "must be video with format " + format));
        }
        if (has(VIDEO_CODEC) && !get(VIDEO_CODEC).equals("libx264")) {
            v.add(new ProfileViolation("video_codec", "must be libx264 with format " + format));
        }
        if (has(AUDIO_CODEC) && !get(AUDIO_CODEC).equals("aac")) {
            v.add(new ProfileViolation("audio_codec", "must be aac with format " + format));
        }
        int n = get(RENDITIONS, 1);
        Integer videoBitrate = get(VIDEO_BITRATE);
        if (videoBitrate != null && videoBitrate >> (n - 1) < 16) {
            v.add(new ProfileViolation(
                    "video_bitrate",
                    "must be at least " + (16 << (n - 1)) + " for " + n + " renditions (the lowest gets video_bitrate/"
                            + (1 << (n - 1)) + ", at least 16)"));
        }
        if (!format.equals("hls")) {
            hlsOnly(v, format);
        } else if (encryptionOrDefault()) {
            // why: key and IV are generated per job by the submission layer; an encrypted output without them would
            // either fail late in ffmpeg or, worse, be encrypted with a key nobody recorded.
            requirePresent(v, ENCRYPTION_KEY, "is required with encryption (32 hex characters)");
            requirePresent(v, ENCRYPTION_IV, "is required with encryption (32 hex characters)");
            requirePresent(v, ENCRYPTION_KEY_URL, "is required with encryption: players fetch the key from it");
        }
    }

    /**
     * The filter that makes the output's frame rate ({@code fps}, converted as {@code frame_rate_conversion} says), or
     * null when the profile sets no rate.
     */
    public String frameRateFilter() {
        return has(FPS)
                ? get(FRAME_RATE_CONVERSION, FrameRateConversion.DUPLICATE).filter(get(FPS))
                : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Profile p && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /** Never prints a secret (the encryption key): profiles end up in logs and exception messages. */
    @Override
    public String toString() {
        StringJoiner s = new StringJoiner(", ", "Profile{", "}");
        for (ProfileField<?> f : FIELDS) {
            if (has(f)) {
                s.add(f.name() + "=" + (f.secret() ? "<masked>" : json(f)));
            }
        }
        return s.toString();
    }

    private <T> Object json(ProfileField<T> field) {
        return field.toJson(get(field));
    }

    /** Assembles a profile field by field; every value is checked as if it came from JSON. */
    public static final class Builder {
        private final Object[] values;

        private Builder(Profile from) {
            this.values = from.values.clone();
        }

        /**
         * Sets a field (null clears it).
         *
         * @throws IllegalArgumentException saying what the value must be
         */
        public <T> Builder set(ProfileField<T> field, T value) {
            values[field.index()] = value == null ? null : field.settable() ? field.check(value) : value;
            return this;
        }

        /** Sets a value the caller already checked ({@link ProfileField#fromJson}). */
        <T> Builder put(ProfileField<T> field, T checked) {
            values[field.index()] = checked;
            return this;
        }

        public Profile build() {
            return new Profile(values.clone());
        }
    }

    // ---------------------------------------------------------------- checks some fields add

    private static int even(int px) {
        if (px % 2 != 0) {
            throw new IllegalArgumentException("must be even (4:2:0 video needs even dimensions)");
        }
        return px;
    }

    private static ProfileField<PixelsOrPercent> lengthField(String name, int minPixels) {
        return ProfileField.custom(name, raw -> PixelsOrPercent.read(raw, minPixels), PixelsOrPercent::toJson);
    }

    /**
     * Any absolute URI of at most 4096 characters; whether this service may read it is checked when a job names it
     * (the input's checks, with the service's storage configuration).
     */
    private static String watermarkUrl(String s) {
        if (s.isBlank() || s.length() > 4096) {
            throw new IllegalArgumentException("must be a URI of 1 to 4096 characters");
        }
        try {
            if (new URI(s).getScheme() == null) {
                throw new IllegalArgumentException(
                        "must be an absolute URI (upload:, file:, s3:, http: or https:), not '" + s + "'");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be a URI: " + e.getReason());
        }
        return s;
    }

    /** A command's text, not too long to hold (the allowlist checks its lines, {@link CustomCommand#parse}). */
    private static String commandText(String s) {
        if (s.isBlank()) {
            throw new IllegalArgumentException("must be one or more lines, each an ffmpeg command");
        }
        if (s.length() > CustomCommand.MAX_LINES * (CustomCommand.MAX_LINE_LENGTH + 1)) {
            throw new IllegalArgumentException("must be at most " + CustomCommand.MAX_LINES + " lines of at most "
                    + CustomCommand.MAX_LINE_LENGTH + " characters");
        }
        return s;
    }

    /**
     * The key URI written into HLS playlists ({@code EXT-X-KEY}) and into ffmpeg's line-based key info file: any
     * absolute or relative URI, but no line breaks, quotes or control characters, which would corrupt either.
     */
    private static String stackName(String s) {
        if (!io.nommer.core.stack.Stack.validName(s)) {
            throw new IllegalArgumentException(io.nommer.core.stack.Stack.nameRule(s));
        }
        return s;
    }

    private static String keyUrl(String s) {
        if (s.isBlank() || s.length() > 2048) {
            throw new IllegalArgumentException("must be a URI of 1 to 2048 characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || Character.isWhitespace(c)) {
                throw new IllegalArgumentException("must be a URI without spaces, quotes or control characters");
            }
        }
        try {
            new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be a URI: " + e.getReason());
        }
        return s;
    }
}
