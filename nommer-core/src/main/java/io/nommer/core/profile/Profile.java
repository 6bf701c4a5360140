package io.nommer.core.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A declarative encoding profile. Every field is optional so that a profile can be laid over another
 * ({@link #overlay}): a preset, then a stored profile, then the job output's overrides. Wire names are Panda's where
 * Panda had one ({@code video_bitrate}, {@code aspect_mode}, ...). Bitrates are kbit/s, times are seconds.
 *
 * <p>{@link #fromFields} is the only way in from untyped input (JSON) and reports every bad field at once.
 *
 * <p>Adaptive streaming ({@code format} {@code hls}, {@code dash} or {@code ismv} for Smooth Streaming, see
 * {@link #STREAMING_EXTNAMES}): {@code renditions} (1-4) rungs of a bitrate ladder topped by {@code video_bitrate},
 * {@code segment_time} seconds per segment (default 6), and for HLS an optional {@code audio_only_variant} and AES-128
 * {@code encryption} with {@code encryption_key} and {@code encryption_iv} (32 hex characters each, filled per job by
 * the submission layer) and {@code encryption_key_url} (the key URI players are given). {@code aspect_mode},
 * {@code keyframe_interval}, {@code h264_crf}, {@code two_pass} and {@code faststart} do not apply to ladders.
 */
public record Profile(
        OutputKind kind,
        String format,
        String extname,
        String videoCodec,
        String audioCodec,
        Integer width,
        Integer height,
        AspectMode aspectMode,
        Boolean upscale,
        Integer videoBitrate,
        Double fps,
        Integer keyframeInterval,
        Integer audioBitrate,
        Integer audioSampleRate,
        Integer audioChannels,
        Integer h264Crf,
        String h264Profile,
        String h264Level,
        String h264Preset,
        Integer vp9Crf,
        Integer vp9Speed,
        Boolean twoPass,
        Double clipOffset,
        Double clipLength,
        Integer frameCount,
        Priority priority,
        Boolean faststart,
        Double segmentTime,
        Integer renditions,
        Boolean audioOnlyVariant,
        Boolean encryption,
        String encryptionKey,
        String encryptionIv,
        String encryptionKeyUrl,
        List<String> codecOptions) {

    public static final Profile EMPTY = new Builder().build();

    public static final Set<String> VIDEO_CODECS = Set.of("libx264", "mpeg4", "flv", "libvpx-vp9", "mjpeg");
    public static final Set<String> AUDIO_CODECS = Set.of("aac", "libmp3lame", "libopus");
    public static final Set<String> FORMATS =
            Set.of("mp4", "flv", "webm", "mp3", "ipod", "image2", "hls", "dash", "ismv");
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
    private static final Pattern HEX_128 = Pattern.compile("[0-9a-fA-F]{32}");
    public static final Set<Integer> SAMPLE_RATES = Set.of(8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 96000);
    public static final Set<String> H264_PROFILES = Set.of("baseline", "main", "high");
    public static final Set<String> H264_LEVELS =
            Set.of("3.0", "3.1", "3.2", "4.0", "4.1", "4.2", "5.0", "5.1", "5.2");
    public static final Set<String> H264_PRESETS = Set.of(
            "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow");
    private static final Pattern EXTNAME = Pattern.compile("\\.[a-z0-9]{1,8}");
    private static final double MAX_SECONDS = 7 * 24 * 3600;

    public Profile {
        codecOptions = codecOptions == null ? null : List.copyOf(codecOptions);
    }

    /** This profile with every non-null field of {@code top} replacing its own. */
    public Profile overlay(Profile top) {
        return new Profile(
                pick(top.kind, kind),
                pick(top.format, format),
                pick(top.extname, extname),
                pick(top.videoCodec, videoCodec),
                pick(top.audioCodec, audioCodec),
                pick(top.width, width),
                pick(top.height, height),
                pick(top.aspectMode, aspectMode),
                pick(top.upscale, upscale),
                pick(top.videoBitrate, videoBitrate),
                pick(top.fps, fps),
                pick(top.keyframeInterval, keyframeInterval),
                pick(top.audioBitrate, audioBitrate),
                pick(top.audioSampleRate, audioSampleRate),
                pick(top.audioChannels, audioChannels),
                pick(top.h264Crf, h264Crf),
                pick(top.h264Profile, h264Profile),
                pick(top.h264Level, h264Level),
                pick(top.h264Preset, h264Preset),
                pick(top.vp9Crf, vp9Crf),
                pick(top.vp9Speed, vp9Speed),
                pick(top.twoPass, twoPass),
                pick(top.clipOffset, clipOffset),
                pick(top.clipLength, clipLength),
                pick(top.frameCount, frameCount),
                pick(top.priority, priority),
                pick(top.faststart, faststart),
                pick(top.segmentTime, segmentTime),
                pick(top.renditions, renditions),
                pick(top.audioOnlyVariant, audioOnlyVariant),
                pick(top.encryption, encryption),
                pick(top.encryptionKey, encryptionKey),
                pick(top.encryptionIv, encryptionIv),
                pick(top.encryptionKeyUrl, encryptionKeyUrl),
                pick(top.codecOptions, codecOptions));
    }

    private static <T> T pick(T top, T below) {
        return top != null ? top : below;
    }

    public Priority priorityOrDefault() {
        return priority == null ? Priority.NORMAL : priority;
    }

    public boolean upscaleOrDefault() {
        return Boolean.TRUE.equals(upscale);
    }

    /** Whether this profile packages for adaptive streaming (HLS, DASH, Smooth Streaming). */
    public boolean isStreaming() {
        return format != null && STREAMING_EXTNAMES.containsKey(format);
    }

    public boolean encryptionOrDefault() {
        return Boolean.TRUE.equals(encryption);
    }

    /** Never prints the encryption key: profiles end up in logs and exception messages. */
    @Override
    public String toString() {
        Map<String, Object> m = toFields();
        if (m.containsKey("encryption_key")) {
            m.put("encryption_key", "<masked>");
        }
        return "Profile" + m;
    }

    /**
     * Checks that a fully resolved profile can be compiled: the fields a kind needs are present and consistent.
     *
     * @throws InvalidProfileException naming every problem
     */
    public Profile requireComplete() {
        List<ProfileViolation> v = new ArrayList<>();
        if (kind == null) {
            v.add(new ProfileViolation("kind", "is required"));
        }
        if (format == null) {
            v.add(new ProfileViolation("format", "is required"));
        }
        if (extname == null) {
            v.add(new ProfileViolation("extname", "is required"));
        }
        if (kind == OutputKind.VIDEO && videoCodec == null) {
            v.add(new ProfileViolation("video_codec", "is required for a video output"));
        }
        if (kind == OutputKind.AUDIO && audioCodec == null) {
            v.add(new ProfileViolation("audio_codec", "is required for an audio output"));
        }
        if ((width == null) != (height == null) && aspectMode != null && aspectMode != AspectMode.PRESERVE) {
            v.add(new ProfileViolation(width == null ? "width" : "height",
                    "is required with aspect_mode " + aspectMode.wireName()));
        }
        if (isStreaming()) {
            streaming(v);
        } else {
            if (encryptionOrDefault()) {
                v.add(new ProfileViolation("encryption", "is only available with format hls, not " + format));
            }
            if (Boolean.TRUE.equals(audioOnlyVariant)) {
                v.add(new ProfileViolation("audio_only_variant", "is only available with format hls, not " + format));
            }
        }
        if (!v.isEmpty()) {
            throw new InvalidProfileException(v);
        }
        return this;
    }

    private void streaming(List<ProfileViolation> v) {
        List<String> extnames = STREAMING_EXTNAMES.get(format);
        if (extname != null && !extnames.contains(extname)) {
            v.add(new ProfileViolation("extname", "must be " + String.join(" or ", extnames) + " with format " + format
                    + " (separate files or one archive), not '" + extname + "'"));
        }
        if (kind != null && kind != OutputKind.VIDEO) {
            v.add(new ProfileViolation("kind", "must be video with format " + format));
        }
        if (videoCodec != null && !videoCodec.equals("libx264")) {
            v.add(new ProfileViolation("video_codec", "must be libx264 with format " + format));
        }
        if (audioCodec != null && !audioCodec.equals("aac")) {
            v.add(new ProfileViolation("audio_codec", "must be aac with format " + format));
        }
        int n = renditions == null ? 1 : renditions;
        if (videoBitrate != null && videoBitrate >> (n - 1) < 16) {
            v.add(new ProfileViolation("video_bitrate", "must be at least " + (16 << (n - 1)) + " for " + n
                    + " renditions (the lowest gets video_bitrate/" + (1 << (n - 1)) + ", at least 16)"));
        }
        if (!format.equals("hls")) {
            if (encryptionOrDefault()) {
                v.add(new ProfileViolation("encryption", "is only available with format hls, not " + format));
            }
            if (Boolean.TRUE.equals(audioOnlyVariant)) {
                v.add(new ProfileViolation("audio_only_variant", "is only available with format hls, not " + format));
            }
        } else if (encryptionOrDefault()) {
            // why: key and IV are generated per job by the submission layer; an encrypted output without them would
            // either fail late in ffmpeg or, worse, be encrypted with a key nobody recorded.
            if (encryptionKey == null) {
                v.add(new ProfileViolation("encryption_key", "is required with encryption (32 hex characters)"));
            }
            if (encryptionIv == null) {
                v.add(new ProfileViolation("encryption_iv", "is required with encryption (32 hex characters)"));
            }
            if (encryptionKeyUrl == null) {
                v.add(new ProfileViolation("encryption_key_url",
                        "is required with encryption: players fetch the key from it"));
            }
        }
    }

    // ---------------------------------------------------------------- wire form

    /** The wire names a user may set, in the order they are listed back. */
    public static final List<String> SETTABLE_FIELDS = List.of(
            "kind", "format", "extname", "video_codec", "audio_codec", "width", "height", "aspect_mode", "upscale",
            "video_bitrate", "fps", "keyframe_interval", "audio_bitrate", "audio_sample_rate", "audio_channels",
            "h264_crf", "h264_profile", "h264_level", "h264_preset", "vp9_crf", "vp9_speed", "two_pass",
            "clip_offset", "clip_length", "frame_count", "priority", "faststart", "segment_time", "renditions",
            "audio_only_variant", "encryption", "encryption_key", "encryption_iv", "encryption_key_url");

    /**
     * Parses untyped fields (as decoded from JSON) into a profile, validating types and ranges. {@code null} values
     * are treated as absent. Unknown names are violations, so that a typo never silently does nothing.
     *
     * @throws InvalidProfileException naming every bad field
     */
    public static Profile fromFields(Map<String, ?> fields) {
        Builder b = new Builder();
        List<ProfileViolation> v = new ArrayList<>();
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            String name = e.getKey();
            Object value = e.getValue();
            if (value == null) {
                continue;
            }
            try {
                b.set(name, value);
            } catch (IllegalArgumentException ex) {
                v.add(new ProfileViolation(name, ex.getMessage()));
            }
        }
        if (!v.isEmpty()) {
            throw new InvalidProfileException(v);
        }
        return b.build();
    }

    /** The non-null fields in wire form, ready for JSON; includes the read-only {@code codec_options}. */
    public Map<String, Object> toFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "kind", kind == null ? null : kind.name().toLowerCase(java.util.Locale.ROOT));
        put(m, "format", format);
        put(m, "extname", extname);
        put(m, "video_codec", videoCodec);
        put(m, "audio_codec", audioCodec);
        put(m, "width", width);
        put(m, "height", height);
        put(m, "aspect_mode", aspectMode == null ? null : aspectMode.wireName());
        put(m, "upscale", upscale);
        put(m, "video_bitrate", videoBitrate);
        put(m, "fps", fps);
        put(m, "keyframe_interval", keyframeInterval);
        put(m, "audio_bitrate", audioBitrate);
        put(m, "audio_sample_rate", audioSampleRate);
        put(m, "audio_channels", audioChannels);
        put(m, "h264_crf", h264Crf);
        put(m, "h264_profile", h264Profile);
        put(m, "h264_level", h264Level);
        put(m, "h264_preset", h264Preset);
        put(m, "vp9_crf", vp9Crf);
        put(m, "vp9_speed", vp9Speed);
        put(m, "two_pass", twoPass);
        put(m, "clip_offset", clipOffset);
        put(m, "clip_length", clipLength);
        put(m, "frame_count", frameCount);
        put(m, "priority", priority == null ? null : priority.wireName());
        put(m, "faststart", faststart);
        put(m, "segment_time", segmentTime);
        put(m, "renditions", renditions);
        put(m, "audio_only_variant", audioOnlyVariant);
        put(m, "encryption", encryption);
        put(m, "encryption_key", encryptionKey);
        put(m, "encryption_iv", encryptionIv);
        put(m, "encryption_key_url", encryptionKeyUrl);
        put(m, "codec_options", codecOptions);
        return m;
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    /** Mutable assembly of a profile, used by presets and by {@link #fromFields}. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        public Builder set(String name, Object raw) {
            Objects.requireNonNull(raw, name);
            Object parsed = switch (name) {
                case "kind" -> parseEnum(raw, s -> OutputKind.valueOf(s.toUpperCase(java.util.Locale.ROOT)),
                        "video, audio, thumbnails");
                case "format" -> oneOf(raw, FORMATS);
                case "extname" -> {
                    String s = string(raw);
                    if (!EXTNAME.matcher(s).matches()) {
                        throw new IllegalArgumentException("must look like \".mp4\" (a dot and 1-8 lowercase letters or digits)");
                    }
                    yield s;
                }
                case "video_codec" -> oneOf(raw, VIDEO_CODECS);
                case "audio_codec" -> oneOf(raw, AUDIO_CODECS);
                case "width" -> evenPixels(raw, 7680);
                case "height" -> evenPixels(raw, 4320);
                case "aspect_mode" -> parseEnum(raw, AspectMode::parse, "preserve, letterbox, pad, crop, stretch");
                case "upscale", "two_pass", "faststart", "audio_only_variant", "encryption" -> bool(raw);
                case "video_bitrate" -> integer(raw, 16, 200_000);
                case "fps" -> number(raw, 1, 120);
                case "keyframe_interval" -> integer(raw, 1, 1000);
                case "audio_bitrate" -> integer(raw, 8, 640);
                case "audio_sample_rate" -> {
                    int r = integer(raw, 8000, 96000);
                    if (!SAMPLE_RATES.contains(r)) {
                        throw new IllegalArgumentException("must be one of " + new java.util.TreeSet<>(SAMPLE_RATES));
                    }
                    yield r;
                }
                case "audio_channels" -> integer(raw, 1, 8);
                case "h264_crf" -> integer(raw, 0, 51);
                case "h264_profile" -> oneOf(raw, H264_PROFILES);
                case "h264_level" -> oneOf(raw instanceof Number n ? String.format(java.util.Locale.ROOT, "%.1f",
                        n.doubleValue()) : raw, H264_LEVELS);
                case "h264_preset" -> oneOf(raw, H264_PRESETS);
                case "vp9_crf" -> integer(raw, 0, 63);
                case "vp9_speed" -> integer(raw, 0, 8);
                case "clip_offset" -> number(raw, 0, MAX_SECONDS);
                case "clip_length" -> {
                    double d = number(raw, 0, MAX_SECONDS);
                    if (d <= 0) {
                        throw new IllegalArgumentException("must be greater than 0");
                    }
                    yield d;
                }
                case "frame_count" -> integer(raw, 1, 100);
                case "priority" -> parseEnum(raw, Priority::parse, "high, normal, low");
                case "segment_time" -> number(raw, 1, 60);
                case "renditions" -> integer(raw, 1, MAX_RENDITIONS);
                case "encryption_key", "encryption_iv" -> {
                    String s = string(raw);
                    if (!HEX_128.matcher(s).matches()) {
                        // why: never echo the value; it may be a key.
                        throw new IllegalArgumentException("must be 32 hexadecimal characters (128 bits)");
                    }
                    yield s.toLowerCase(java.util.Locale.ROOT);
                }
                case "encryption_key_url" -> keyUrl(raw);
                case "codec_options" -> throw new IllegalArgumentException("is fixed by the preset and cannot be set");
                default -> throw new IllegalArgumentException("is not a profile field");
            };
            values.put(name, parsed);
            return this;
        }

        /** Preset-only: codec options that are not user-settable (the seed's mpeg4 tuning, say). */
        public Builder codecOptions(String... options) {
            values.put("codec_options", List.of(options));
            return this;
        }

        @SuppressWarnings("unchecked")
        public Profile build() {
            return new Profile(
                    (OutputKind) values.get("kind"),
                    (String) values.get("format"),
                    (String) values.get("extname"),
                    (String) values.get("video_codec"),
                    (String) values.get("audio_codec"),
                    (Integer) values.get("width"),
                    (Integer) values.get("height"),
                    (AspectMode) values.get("aspect_mode"),
                    (Boolean) values.get("upscale"),
                    (Integer) values.get("video_bitrate"),
                    (Double) values.get("fps"),
                    (Integer) values.get("keyframe_interval"),
                    (Integer) values.get("audio_bitrate"),
                    (Integer) values.get("audio_sample_rate"),
                    (Integer) values.get("audio_channels"),
                    (Integer) values.get("h264_crf"),
                    (String) values.get("h264_profile"),
                    (String) values.get("h264_level"),
                    (String) values.get("h264_preset"),
                    (Integer) values.get("vp9_crf"),
                    (Integer) values.get("vp9_speed"),
                    (Boolean) values.get("two_pass"),
                    (Double) values.get("clip_offset"),
                    (Double) values.get("clip_length"),
                    (Integer) values.get("frame_count"),
                    (Priority) values.get("priority"),
                    (Boolean) values.get("faststart"),
                    (Double) values.get("segment_time"),
                    (Integer) values.get("renditions"),
                    (Boolean) values.get("audio_only_variant"),
                    (Boolean) values.get("encryption"),
                    (String) values.get("encryption_key"),
                    (String) values.get("encryption_iv"),
                    (String) values.get("encryption_key_url"),
                    (List<String>) values.get("codec_options"));
        }

        private static String string(Object raw) {
            if (raw instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("must be a string");
        }

        private static String oneOf(Object raw, Set<String> allowed) {
            String s = string(raw);
            if (!allowed.contains(s)) {
                throw new IllegalArgumentException("must be one of " + new java.util.TreeSet<>(allowed) + ", not '" + s + "'");
            }
            return s;
        }

        /**
         * The key URI written into HLS playlists ({@code EXT-X-KEY}) and into ffmpeg's line-based key info file: any
         * absolute or relative URI, but no line breaks, quotes or control characters, which would corrupt either.
         */
        private static String keyUrl(Object raw) {
            String s = string(raw);
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
                new java.net.URI(s);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("must be a URI: " + e.getReason());
            }
            return s;
        }

        private static <E> E parseEnum(Object raw, Function<String, E> parse, String allowed) {
            String s = string(raw);
            try {
                return parse.apply(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be one of " + allowed + ", not '" + s + "'");
            }
        }

        private static boolean bool(Object raw) {
            if (raw instanceof Boolean b) {
                return b;
            }
            throw new IllegalArgumentException("must be true or false");
        }

        private static int integer(Object raw, int min, int max) {
            if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new IllegalArgumentException("must be an integer");
            }
            double d = n.doubleValue();
            if (d < min || d > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return (int) d;
        }

        private static int evenPixels(Object raw, int max) {
            int px = integer(raw, 16, max);
            if (px % 2 != 0) {
                throw new IllegalArgumentException("must be even (4:2:0 video needs even dimensions)");
            }
            return px;
        }

        private static double number(Object raw, double min, double max) {
            if (!(raw instanceof Number n) || Double.isNaN(n.doubleValue())) {
                throw new IllegalArgumentException("must be a number");
            }
            double d = n.doubleValue();
            if (d < min || d > max) {
                throw new IllegalArgumentException("must be between " + fmt(min) + " and " + fmt(max));
            }
            return d;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
