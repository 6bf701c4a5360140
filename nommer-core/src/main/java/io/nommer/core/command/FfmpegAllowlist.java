package io.nommer.core.command;

import static io.nommer.core.command.ValueKind.BITRATE;
import static io.nommer.core.command.ValueKind.ENCODER;
import static io.nommer.core.command.ValueKind.EXPRESSION;
import static io.nommer.core.command.ValueKind.FILE;
import static io.nommer.core.command.ValueKind.FILTERGRAPH;
import static io.nommer.core.command.ValueKind.INPUT;
import static io.nommer.core.command.ValueKind.INTEGER;
import static io.nommer.core.command.ValueKind.METADATA;
import static io.nommer.core.command.ValueKind.MUXER;
import static io.nommer.core.command.ValueKind.NONE;
import static io.nommer.core.command.ValueKind.NUMBER;
import static io.nommer.core.command.ValueKind.RATE;
import static io.nommer.core.command.ValueKind.RATIO;
import static io.nommer.core.command.ValueKind.SIZE;
import static io.nommer.core.command.ValueKind.STREAM_MAP;
import static io.nommer.core.command.ValueKind.TEXT;
import static io.nommer.core.command.ValueKind.TIME;
import static io.nommer.core.command.ValueKind.WORD;
import static io.nommer.core.command.ValueKind.X264_PARAMS;
import static io.nommer.core.command.ValueKind.X265_PARAMS;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ffmpeg options a custom command may use, each with the kind of value it takes, and the walk over an argument
 * list that applies them. An option not on the list is refused, which is what keeps out everything that reads, writes
 * or connects beyond the task's working directory: {@code -progress URL}, {@code -report}, {@code -vstats_file},
 * {@code -sdp_file}, {@code -dump_attachment}, {@code -attach}, {@code -filter_script}, {@code -hls_key_info_file},
 * {@code -init_hw_device}, {@code -protocol_whitelist}, option files ({@code -/vf FILE}), and any input format
 * ({@code -f} before {@code -i}: {@code lavfi}, {@code concat}, devices). Inputs and outputs are nommer's tokens or
 * plain names in the working directory; {@code /dev/null} and {@code -} only as a {@code -f null} output (a first
 * pass).
 */
public final class FfmpegAllowlist {
    /** Options by name (without the leading '-' and without a stream specifier). */
    static final Map<String, ValueKind> OPTIONS;

    static {
        Map<String, ValueKind> o = new LinkedHashMap<>();
        // global
        for (String flag : List.of("y", "n", "hide_banner", "nostdin", "nostats", "stats", "shortest", "an", "vn")) {
            o.put(flag, NONE);
        }
        for (String flag : List.of("sn", "dn", "copyts", "start_at_zero", "re")) {
            o.put(flag, NONE);
        }
        o.put("loglevel", WORD);
        o.put("v", WORD);
        o.put("threads", INTEGER);
        o.put("filter_threads", INTEGER);
        o.put("filter_complex_threads", INTEGER);
        o.put("max_muxing_queue_size", INTEGER);
        // inputs and outputs
        o.put("i", INPUT);
        o.put("f", MUXER);
        o.put("ss", TIME);
        o.put("t", TIME);
        o.put("to", TIME);
        o.put("itsoffset", TIME);
        o.put("stream_loop", INTEGER);
        o.put("map", STREAM_MAP);
        o.put("map_metadata", STREAM_MAP);
        o.put("map_chapters", INTEGER);
        o.put("metadata", METADATA);
        o.put("disposition", WORD);
        o.put("probesize", INTEGER);
        o.put("analyzeduration", INTEGER);
        o.put("fflags", WORD);
        o.put("avoid_negative_ts", WORD);
        o.put("max_interleave_delta", INTEGER);
        o.put("muxdelay", NUMBER);
        o.put("muxpreload", NUMBER);
        // codecs and rate control
        for (String c : List.of("c", "codec", "vcodec", "acodec")) {
            o.put(c, ENCODER);
        }
        for (String b : List.of("b", "vb", "ab", "maxrate", "minrate", "bufsize")) {
            o.put(b, BITRATE);
        }
        for (String n : List.of("crf", "q", "qscale", "aq", "global_quality")) {
            o.put(n, NUMBER);
        }
        for (String n : List.of("qp", "qmin", "qmax", "g", "keyint_min", "sc_threshold", "bf", "refs", "pass")) {
            o.put(n, INTEGER);
        }
        for (String n : List.of("frames", "vframes", "aframes", "ar", "ac", "top", "async", "update")) {
            o.put(n, INTEGER);
        }
        for (String w : List.of(
                "preset",
                "tune",
                "profile",
                // ffmpeg's own spelling of -profile:v, which media-nommer's presets use
                "vprofile",
                "level",
                "pix_fmt",
                "sample_fmt",
                "channel_layout",
                "ch_layout",
                "strict",
                "flags",
                "movflags",
                "tag",
                "vtag",
                "atag",
                "brand",
                "vsync",
                "fps_mode",
                "color_primaries",
                "color_trc",
                "colorspace",
                "color_range",
                "field_order",
                "deadline",
                "quality",
                "cpu-used",
                "speed",
                "row-mt",
                "tile-columns",
                "tile-rows",
                "frame-parallel",
                "auto-alt-ref",
                "lag-in-frames",
                "arnr-maxframes",
                "arnr-strength",
                "coder",
                "trellis",
                "subq",
                "me_method",
                "mbd",
                "cmp",
                "partitions",
                "weightp",
                "b_strategy",
                "rc-lookahead",
                "nr",
                "alternate_scan",
                "write_tmcd")) {
            o.put(w, WORD);
        }
        o.put("x264-params", X264_PARAMS);
        o.put("x264opts", X264_PARAMS);
        o.put("x265-params", X265_PARAMS);
        o.put("passlogfile", FILE);
        o.put("force_key_frames", EXPRESSION);
        o.put("s", SIZE);
        o.put("r", RATE);
        o.put("aspect", RATIO);
        // filters
        for (String f : List.of("vf", "af", "filter", "filter_complex", "lavfi")) {
            o.put(f, FILTERGRAPH);
        }
        // segmenting muxers: hls, dash, segment
        o.put("hls_time", NUMBER);
        o.put("hls_list_size", INTEGER);
        o.put("hls_playlist_type", WORD);
        o.put("hls_flags", WORD);
        o.put("hls_segment_type", WORD);
        o.put("hls_segment_filename", FILE);
        o.put("hls_fmp4_init_filename", FILE);
        o.put("hls_start_number_source", WORD);
        o.put("hls_base_url", TEXT);
        o.put("master_pl_name", FILE);
        o.put("var_stream_map", TEXT);
        o.put("start_number", INTEGER);
        o.put("seg_duration", NUMBER);
        o.put("use_template", INTEGER);
        o.put("use_timeline", INTEGER);
        o.put("single_file", INTEGER);
        o.put("window_size", INTEGER);
        o.put("dash_segment_type", WORD);
        o.put("init_seg_name", FILE);
        o.put("media_seg_name", FILE);
        o.put("adaptation_sets", TEXT);
        o.put("segment_time", NUMBER);
        o.put("segment_times", EXPRESSION);
        o.put("segment_format", MUXER);
        o.put("segment_list", FILE);
        o.put("segment_list_type", WORD);
        o.put("segment_list_size", INTEGER);
        o.put("segment_start_number", INTEGER);
        o.put("reset_timestamps", INTEGER);
        OPTIONS = Collections.unmodifiableMap(o);
    }

    /** x264 settings a command may pass; not stats, qpfile, tcfile-in/out, cqmfile or dump-yuv (files). */
    static final Set<String> X264_KEYS = Set.of(
            "keyint",
            "min-keyint",
            "scenecut",
            "no-scenecut",
            "bframes",
            "b-adapt",
            "b-pyramid",
            "ref",
            "rc-lookahead",
            "mbtree",
            "no-mbtree",
            "aq-mode",
            "aq-strength",
            "psy-rd",
            "psy",
            "me",
            "merange",
            "subme",
            "trellis",
            "deblock",
            "no-deblock",
            "vbv-maxrate",
            "vbv-bufsize",
            "crf",
            "qp",
            "qpmin",
            "qpmax",
            "qpstep",
            "ipratio",
            "pbratio",
            "qcomp",
            "bitrate",
            "nal-hrd",
            "force-cfr",
            "open-gop",
            "weightp",
            "weightb",
            "8x8dct",
            "cabac",
            "no-cabac",
            "level",
            "profile",
            "partitions",
            "direct",
            "threads",
            "sliced-threads",
            "sync-lookahead",
            "slow-firstpass",
            "fast-pskip",
            "no-fast-pskip",
            "mixed-refs",
            "no-dct-decimate",
            "colorprim",
            "transfer",
            "colormatrix",
            "fullrange",
            "sar",
            "interlaced",
            "tff",
            "bff",
            "fake-interlaced",
            "pic-struct",
            "aud",
            "repeat-headers",
            "chroma-qp-offset",
            "nr",
            "deadzone-inter",
            "deadzone-intra",
            "keyint-max",
            "slices",
            "bluray-compat");

    /** x265 settings a command may pass; not csv, stats, analysis-save/load, qpfile, zonefile or the like. */
    static final Set<String> X265_KEYS = Set.of(
            "keyint",
            "min-keyint",
            "scenecut",
            "no-scenecut",
            "bframes",
            "b-adapt",
            "ref",
            "rc-lookahead",
            "aq-mode",
            "aq-strength",
            "psy-rd",
            "psy-rdoq",
            "crf",
            "qp",
            "vbv-maxrate",
            "vbv-bufsize",
            "open-gop",
            "no-open-gop",
            "repeat-headers",
            "hdr-opt",
            "colorprim",
            "transfer",
            "colormatrix",
            "range",
            "level-idc",
            "profile",
            "pools",
            "frame-threads",
            "log-level",
            "strong-intra-smoothing",
            "sao",
            "no-sao",
            "deblock",
            "limit-sao",
            "rd",
            "ctu",
            "tu-intra-depth",
            "tu-inter-depth");

    /** A plain file name in the working directory: no directories, no protocol, no option look-alike. */
    private static final Pattern PLAIN_NAME = Pattern.compile(
            "[A-Za-z0-9_]([A-Za-z0-9_.%+-]|\\$(RepresentationID|Number|Bandwidth|Time)(%0[0-9]d)?\\$){0,127}");

    private static final Pattern SETTING_VALUE = Pattern.compile("[A-Za-z0-9_.,/+-]{0,32}");

    /** The stream specifiers an option may carry: {@code -c:v}, {@code -b:a:0}, {@code -metadata:s:a:0}. */
    private static final Pattern STREAM_SPECIFIER =
            Pattern.compile("[vaVsdt](:[0-9]{1,2})?|[0-9]{1,2}|[sgc]:[vaVsdt]?(:[0-9]{1,2})?|p:[0-9]{1,5}(:[vas])?");

    private FfmpegAllowlist() {}

    /**
     * What one ffmpeg invocation reads and writes.
     *
     * @param outputs its output files
     * @param named the files options name ({@code -segment_list}, {@code -hls_segment_filename}, ...)
     */
    record Invocation(List<String> inputs, List<String> outputs, List<String> named) {
        boolean writes(String file) {
            return outputs.contains(file) || named.contains(file);
        }
    }

    /**
     * Checks one invocation's arguments after {@code ffmpeg}.
     *
     * @param args the arguments, with nommer's value tokens already replaced and its file tokens still in place
     * @param trusted the whole-argument tokens that stand for what nommer fills in ({@code $input_file$},
     *     {@code $output_file$}, {@code $filters$}) and the kinds of value each may be
     * @throws CommandRefusal naming the line and the argument refused
     */
    static Invocation check(List<String> args, int line, Map<String, ValueKind> trusted) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<String> named = new ArrayList<>();
        String format = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("-") && arg.length() > 1) {
                String name = arg.substring(1);
                if (name.startsWith("/")) {
                    throw new CommandRefusal(line, arg, "option files (-/option FILE) read files");
                }
                int colon = name.indexOf(':');
                String base = colon < 0 ? name : name.substring(0, colon);
                ValueKind kind = OPTIONS.get(base);
                if (kind == null) {
                    throw new CommandRefusal(
                            line,
                            arg,
                            "option -" + base + " is not on the allowlist" + " (see GET /v1/command-allowlist)");
                }
                if (colon >= 0
                        && !STREAM_SPECIFIER.matcher(name.substring(colon + 1)).matches()) {
                    throw new CommandRefusal(
                            line, arg, "'" + name.substring(colon + 1) + "' is not a stream specifier");
                }
                if (kind == NONE) {
                    continue;
                }
                if (i + 1 >= args.size()) {
                    throw new CommandRefusal(line, arg, "-" + base + " needs " + kind.description());
                }
                String value = args.get(++i);
                if (kind == INPUT) {
                    if (format != null) {
                        throw new CommandRefusal(
                                line,
                                "-f " + format,
                                "an input format cannot be forced: lavfi, concat and device inputs read outside the"
                                        + " working directory");
                    }
                    requireFile(value, line, trusted, "$input_file$");
                    inputs.add(value);
                    continue;
                }
                checkValue(arg, value, kind, line, trusted);
                if (kind == FILE) {
                    named.add(value);
                }
                if (base.equals("f")) {
                    format = value;
                }
            } else {
                if ((arg.equals("-") || arg.equals("/dev/null")) && "null".equals(format)) {
                    outputs.add(arg);
                } else {
                    requireFile(arg, line, trusted, "$output_file$");
                    outputs.add(arg);
                }
                format = null;
            }
        }
        if (format != null) {
            throw new CommandRefusal(line, "-f " + format, "options after the last output apply to nothing");
        }
        if (outputs.isEmpty()) {
            throw new CommandRefusal(line, null, "the command writes no output");
        }
        return new Invocation(inputs, outputs, named);
    }

    private static void checkValue(
            String option, String value, ValueKind kind, int line, Map<String, ValueKind> trusted) {
        if (trusted.containsKey(value)) {
            if (trusted.get(value) != kind) {
                throw new CommandRefusal(line, value, "this token is not " + kind.description());
            }
            return;
        }
        String why = switch (kind) {
            case ENCODER -> ValueKind.ENCODERS.contains(value) ? null : "encoder '" + value + "' is not on the list";
            case MUXER -> ValueKind.MUXERS.contains(value) ? null : "format '" + value + "' is not on the list";
            case FILTERGRAPH -> FilterAllowlist.refusal(value);
            case X264_PARAMS -> settings(value, X264_KEYS, "x264");
            case X265_PARAMS -> settings(value, X265_KEYS, "x265");
            case FILE -> isPlainName(value) ? null : "not a plain file name in the working directory";
            default -> kind.matches(value) ? null : "not " + kind.description();
        };
        if (why != null) {
            throw new CommandRefusal(line, option + " " + value, why);
        }
    }

    private static String settings(String value, Set<String> keys, String encoder) {
        for (String pair : value.split(":", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (!keys.contains(key)) {
                return encoder + " setting '" + key + "' is not on the list";
            }
            if (eq >= 0 && !SETTING_VALUE.matcher(pair.substring(eq + 1)).matches()) {
                return "the value of " + encoder + " setting '" + key + "' is not a plain value";
            }
        }
        return null;
    }

    private static void requireFile(String value, int line, Map<String, ValueKind> trusted, String token) {
        if (trusted.containsKey(value)) {
            ValueKind kind = trusted.get(value);
            if (kind != FILE && kind != INPUT) {
                throw new CommandRefusal(line, value, "this token is not a file");
            }
            if (token.equals("$input_file$") != (kind == INPUT)) {
                throw new CommandRefusal(
                        line,
                        value,
                        kind == INPUT ? "the input cannot be written over" : "an output token cannot be read");
            }
            return;
        }
        if (!isPlainName(value)) {
            throw new CommandRefusal(
                    line,
                    value,
                    "files are " + token + " or plain names in the working directory (no paths, protocols or"
                            + " devices)");
        }
    }

    static boolean isPlainName(String value) {
        return PLAIN_NAME.matcher(value).matches() && !value.contains("..");
    }
}
