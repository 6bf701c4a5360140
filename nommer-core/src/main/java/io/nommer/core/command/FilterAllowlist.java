package io.nommer.core.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The filters a custom command's filter graph may use: ones that only compute on frames and samples. Left out are
 * those that read or write files or URLs ({@code movie}, {@code amovie}, {@code subtitles}, {@code ass},
 * {@code curves} with {@code psfile}, {@code lut3d}, {@code sendcmd}, the {@code stats_file} of {@code psnr} and
 * {@code ssim}), listen on sockets ({@code zmq}) or load code ({@code ladspa}, {@code lv2}, {@code frei0r}).
 * {@code drawtext} is on the list with named options only, and none of those that read files.
 */
final class FilterAllowlist {
    static final Set<String> FILTERS = Set.of(
            // video
            "scale",
            "crop",
            "pad",
            "fps",
            "format",
            "setsar",
            "setdar",
            "transpose",
            "hflip",
            "vflip",
            "rotate",
            "yadif",
            "bwdif",
            "interlace",
            "tinterlace",
            "telecine",
            "setfield",
            "fieldorder",
            "minterpolate",
            "framerate",
            "unsharp",
            "hqdn3d",
            "gblur",
            "boxblur",
            "deband",
            "eq",
            "hue",
            "colorchannelmixer",
            "lutyuv",
            "lutrgb",
            "negate",
            "vignette",
            "overlay",
            "drawbox",
            "drawgrid",
            "drawtext",
            "fade",
            "trim",
            "setpts",
            "select",
            "thumbnail",
            "tile",
            "split",
            "null",
            "hstack",
            "vstack",
            "concat",
            "palettegen",
            "paletteuse",
            "tpad",
            "loop",
            "color",
            // audio
            "aresample",
            "aformat",
            "volume",
            "loudnorm",
            "dynaudnorm",
            "acompressor",
            "atempo",
            "afade",
            "atrim",
            "asetpts",
            "asplit",
            "anull",
            "pan",
            "amix",
            "amerge",
            "highpass",
            "lowpass",
            "equalizer",
            "adelay",
            "apad",
            "silenceremove",
            "anullsrc",
            "sine");

    /** Why the best-known dangerous filters are refused, for a clearer message than "not on the list". */
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("movie", "reads any file or URL"),
            Map.entry("amovie", "reads any file or URL"),
            Map.entry("subtitles", "reads a file"),
            Map.entry("ass", "reads a file"),
            Map.entry("curves", "reads a file (psfile)"),
            Map.entry("lut3d", "reads a file"),
            Map.entry("haldclut", "reads a second input"),
            Map.entry("sendcmd", "reads commands from a file"),
            Map.entry("asendcmd", "reads commands from a file"),
            Map.entry("zmq", "listens on a socket"),
            Map.entry("azmq", "listens on a socket"),
            Map.entry("ladspa", "loads a plug-in library"),
            Map.entry("lv2", "loads a plug-in library"),
            Map.entry("frei0r", "loads a plug-in library"),
            Map.entry("psnr", "writes a stats file"),
            Map.entry("ssim", "writes a stats file"),
            Map.entry("libvmaf", "reads model files and writes logs"));

    /** drawtext's options a command may set; not fontfile or textfile (they read files). */
    static final Set<String> DRAWTEXT_OPTIONS = Set.of(
            "text",
            "x",
            "y",
            "fontsize",
            "fontcolor",
            "fontcolor_expr",
            "alpha",
            "box",
            "boxcolor",
            "boxborderw",
            "borderw",
            "bordercolor",
            "shadowx",
            "shadowy",
            "shadowcolor",
            "line_spacing",
            "enable",
            "font",
            "expansion",
            "fix_bounds",
            "start_number",
            "timecode",
            "timecode_rate",
            "rate",
            "tc24hmax",
            "text_shaping");

    private FilterAllowlist() {}

    /**
     * Checks every filter of a graph such as {@code [0:v]scale=640:-2,format=yuv420p[v];[v][1:v]overlay=10:10}.
     *
     * @return why the graph is refused, or null when every filter is allowed
     */
    static String refusal(String graph) {
        if (graph.length() > 4096) {
            return "a filter graph of more than 4096 characters";
        }
        List<String> filters;
        try {
            filters = filters(graph);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        for (String f : filters) {
            String spec = stripLabels(f);
            if (spec == null) {
                return "a malformed link label in '" + f + "'";
            }
            int eq = spec.indexOf('=');
            String name = (eq < 0 ? spec : spec.substring(0, eq)).strip();
            int at = name.indexOf('@');
            if (at > 0) {
                name = name.substring(0, at);
            }
            if (name.isEmpty()) {
                continue;
            }
            if (REFUSED.containsKey(name)) {
                return "filter " + name + " is not allowed: it " + REFUSED.get(name);
            }
            if (!FILTERS.contains(name)) {
                return "filter " + name + " is not on the allowlist (see GET /v1/command-allowlist)";
            }
            if (name.equals("drawtext")) {
                String why = drawtext(eq < 0 ? "" : spec.substring(eq + 1));
                if (why != null) {
                    return why;
                }
            }
        }
        return null;
    }

    private static String drawtext(String args) {
        String lower = args.replace("\\", "").replace("'", "").toLowerCase(Locale.ROOT);
        // why: ffmpeg unescapes the graph (backslashes, quotes) before drawtext splits its options, so
        // "text=a\\:fontfile=/x" and "font\\file=/x" both set fontfile; refusing the names anywhere in the
        // arguments, escapes and quotes removed, closes every escaping route to them
        if (lower.contains("fontfile") || lower.contains("textfile")) {
            return "drawtext may not name fontfile or textfile (they read files); use font=NAME for a font";
        }
        for (String option : split(args, ':')) {
            int eq = option.indexOf('=');
            String key = eq < 0 ? null : option.substring(0, eq).strip();
            if (key == null || !DRAWTEXT_OPTIONS.contains(key)) {
                return "drawtext takes only named options from its list (text, x, y, fontsize, fontcolor, box, ...;"
                        + " not fontfile or textfile, which read files), not '" + option + "'";
            }
        }
        return null;
    }

    /** The graph's filters, split at the ',' and ';' that are not quoted or escaped. */
    static List<String> filters(String graph) {
        List<String> out = new ArrayList<>();
        for (String chain : split(graph, ';')) {
            out.addAll(split(chain, ','));
        }
        return out;
    }

    /** Splits at {@code sep} outside single quotes, brackets and backslash escapes, as ffmpeg's parser does. */
    private static List<String> split(String s, char sep) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        int brackets = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                part.append(c).append(s.charAt(++i));
                continue;
            }
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '[') {
                brackets++;
            } else if (!quoted && c == ']') {
                brackets--;
            }
            if (c == sep && !quoted && brackets == 0) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("an unterminated quote in the filter graph");
        }
        parts.add(part.toString());
        return parts;
    }

    /** The filter without its input and output link labels, or null when a label is malformed. */
    private static String stripLabels(String f) {
        String s = f.strip();
        while (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0 || !s.substring(1, end).matches("[A-Za-z0-9_:]{1,32}")) {
                return null;
            }
            s = s.substring(end + 1).strip();
        }
        while (s.endsWith("]")) {
            int start = s.lastIndexOf('[');
            if (start < 0 || !s.substring(start + 1, s.length() - 1).matches("[A-Za-z0-9_:]{1,32}")) {
                return null;
            }
            s = s.substring(0, start).strip();
        }
        return s;
    }
}
