package io.nommer.core.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stored profile's own command, Panda style: one to {@value #MAX_LINES} lines, each an ffmpeg invocation with
 * nommer's tokens ({@code $input_file$}, {@code $output_file$}, {@code $width$}, ...). Each line is split into
 * arguments as a shell would split it but never given to a shell ({@link ShellWords}), its tokens are filled in, and
 * every argument is checked against the allowlist ({@link FfmpegAllowlist}). Lines run in order in the task's working
 * directory, so a later line may read what an earlier one wrote there (a second pass, a segmenter).
 *
 * <p>The same check runs when the profile is stored (with the profile's values) and when a task runs it (with the
 * job's), so that a command stored under an older, looser allowlist cannot run under a newer one.
 */
public final class CustomCommand {
    public static final int MAX_LINES = 10;
    public static final int MAX_LINE_LENGTH = 4096;

    /** The tokens standing for files and the filter chain: whole arguments, filled in when the task runs. */
    static final Map<String, ValueKind> PLACEHOLDERS = Map.of(
            "$input_file$", ValueKind.INPUT, "$output_file$", ValueKind.FILE, "$filters$", ValueKind.FILTERGRAPH);

    /** The tokens standing for a profile's values, and what each is. */
    public static final Map<String, String> VALUE_TOKENS;

    static {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("width", "the output's width in pixels");
        t.put("height", "the output's height in pixels");
        t.put("video_bitrate", "the video bitrate in kbit/s (write $video_bitrate$k)");
        t.put("audio_bitrate", "the audio bitrate in kbit/s (write $audio_bitrate$k)");
        t.put("fps", "the frame rate, such as 25 or 30000/1001");
        t.put("audio_sample_rate", "the audio sample rate in Hz");
        t.put("audio_channels", "the number of audio channels");
        t.put("record_id", "the job's id");
        VALUE_TOKENS = Collections.unmodifiableMap(t);
    }

    private static final Pattern TOKEN = Pattern.compile("\\$([a-z_]{1,32})\\$");
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9_./-]{1,64}");

    private final List<List<String>> lines;

    private CustomCommand(List<List<String>> lines) {
        this.lines = lines;
    }

    /**
     * Parses and checks a command.
     *
     * @param values the value tokens' values by name ({@code width -> 640}); a token the command uses without a value
     *     is refused, naming what the profile lacks
     * @throws CommandRefusal naming the line and the token that is not allowed
     */
    public static CustomCommand parse(String text, Map<String, String> values) {
        if (text == null || text.isBlank()) {
            throw new CommandRefusal(0, null, "the command is empty");
        }
        List<String> raw = text.lines().filter(l -> !l.isBlank()).toList();
        if (raw.size() > MAX_LINES) {
            throw new CommandRefusal(0, null, "more than " + MAX_LINES + " lines");
        }
        List<List<String>> lines = new ArrayList<>();
        boolean readsInput = false;
        boolean writesOutput = false;
        for (int n = 1; n <= raw.size(); n++) {
            String line = raw.get(n - 1);
            if (line.length() > MAX_LINE_LENGTH) {
                throw new CommandRefusal(n, null, "longer than " + MAX_LINE_LENGTH + " characters");
            }
            List<String> words = ShellWords.split(line, n);
            if (words.isEmpty() || !words.get(0).equals("ffmpeg")) {
                throw new CommandRefusal(
                        n,
                        words.isEmpty() ? null : words.get(0),
                        "each line runs ffmpeg: it starts with the word ffmpeg (the stack says which ffmpeg)");
            }
            List<String> args = new ArrayList<>();
            for (String word : words.subList(1, words.size())) {
                args.add(fill(word, values, n));
            }
            FfmpegAllowlist.Invocation inv = FfmpegAllowlist.check(args, n, PLACEHOLDERS);
            readsInput |= inv.inputs().contains("$input_file$");
            writesOutput |= inv.writes("$output_file$");
            lines.add(List.copyOf(args));
        }
        if (!readsInput) {
            throw new CommandRefusal(0, "$input_file$", "no line reads the input: use -i $input_file$");
        }
        if (!writesOutput) {
            throw new CommandRefusal(0, "$output_file$", "no line writes the output: name $output_file$");
        }
        return new CustomCommand(List.copyOf(lines));
    }

    /**
     * The argument lists to run (each without the {@code ffmpeg} itself), with the files and the filter chain filled
     * in, every file where the command named it.
     *
     * @param filters the chain nommer would build for the profile (scaling, watermark), or null for none
     */
    public List<List<String>> render(String inputFile, String outputFile, String filters) {
        return render(new Layout(List.of("-i", inputFile), outputFile, filters, null));
    }

    /**
     * Where a run's files are: what reads the input, the output's path, the filter chain, and a private directory for
     * what the lines make only for each other.
     *
     * @param input the arguments that replace {@code -i $input_file$} (nommer's own, e.g. with the probed demuxer)
     * @param filters the chain nommer would build for the profile, or null for none ({@code null}, ffmpeg's pass-through
     *     filter)
     * @param scratch where intermediates go (files a later line reads with {@code -i}, and pass logs), so that they
     *     are not published with the output; null to leave them where the command names them
     */
    public record Layout(List<String> input, String output, String filters, Path scratch) {
        public Layout {
            input = List.copyOf(input);
        }
    }

    /** The argument lists to run (each without the {@code ffmpeg} itself), laid out as {@code layout} says. */
    public List<List<String>> render(Layout layout) {
        Set<String> intermediates = intermediates();
        List<List<String>> out = new ArrayList<>();
        for (List<String> line : lines) {
            List<String> args = new ArrayList<>();
            List<Integer> outputs = new ArrayList<>();
            boolean pass = false;
            boolean passLog = false;
            for (int i = 0; i < line.size(); i++) {
                String arg = line.get(i);
                ValueKind kind = optionKind(arg);
                if (kind == ValueKind.INPUT) {
                    String file = line.get(++i);
                    args.addAll(file.equals("$input_file$") ? layout.input() : List.of("-i", place(file, layout)));
                    continue;
                }
                args.add(arg);
                if (kind == null) {
                    // an output
                    outputs.add(args.size() - 1);
                    args.set(args.size() - 1, fill(arg, layout, intermediates));
                } else if (kind != ValueKind.NONE) {
                    String value = line.get(++i);
                    args.add(
                            kind == ValueKind.FILE || kind == ValueKind.FILTERGRAPH
                                    ? fill(value, layout, intermediates)
                                    : value);
                    pass |= arg.equals("-pass");
                    passLog |= arg.equals("-passlogfile");
                }
            }
            if (pass && !passLog && layout.scratch() != null) {
                // why: ffmpeg's default pass log, ffmpeg2pass-0.log, would land beside the output and be published;
                // -passlogfile is an output's option, so it goes before each output (from the last, keeping indexes)
                for (int o = outputs.size() - 1; o >= 0; o--) {
                    args.addAll(
                            outputs.get(o),
                            List.of(
                                    "-passlogfile",
                                    layout.scratch().resolve("ffmpeg2pass").toString()));
                }
            }
            out.add(List.copyOf(args));
        }
        return List.copyOf(out);
    }

    /** Whether a line uses {@code $filters$}, the chain nommer builds from the input's picture. */
    public boolean usesFilters() {
        return lines.stream().anyMatch(l -> l.contains("$filters$"));
    }

    /**
     * The files the lines make for each other, not for the user: every plain name a line reads with {@code -i} (a
     * later line reading what an earlier one wrote) and every {@code -passlogfile}.
     */
    public Set<String> intermediates() {
        Set<String> names = new LinkedHashSet<>();
        for (List<String> line : lines) {
            for (int i = 0; i + 1 < line.size(); i++) {
                ValueKind kind = optionKind(line.get(i));
                if ((kind == ValueKind.INPUT || line.get(i).equals("-passlogfile"))
                        && !PLACEHOLDERS.containsKey(line.get(i + 1))) {
                    names.add(line.get(i + 1));
                }
                if (kind != null && kind != ValueKind.NONE) {
                    i++;
                }
            }
        }
        return names;
    }

    /** The kind of value option {@code arg} takes, or null when {@code arg} is no option (an output). */
    private static ValueKind optionKind(String arg) {
        if (!arg.startsWith("-") || arg.length() < 2) {
            return null;
        }
        String name = arg.substring(1);
        int colon = name.indexOf(':');
        // every option was checked against the allowlist when the command was parsed
        return FfmpegAllowlist.OPTIONS.get(colon < 0 ? name : name.substring(0, colon));
    }

    private static String fill(String arg, Layout layout, Set<String> intermediates) {
        return switch (arg) {
            case "$output_file$" -> layout.output();
            case "$filters$" -> layout.filters() == null ? "null" : layout.filters();
            default -> intermediates.contains(arg) ? place(arg, layout) : arg;
        };
    }

    /** An intermediate's path: in the scratch directory when there is one. */
    private static String place(String name, Layout layout) {
        return layout.scratch() == null ? name : layout.scratch().resolve(name).toString();
    }

    /**
     * What a command may say, as the API publishes it: the tokens, every option with the kind of value it takes, and
     * the encoders, formats, filters and x264/x265 settings on the lists.
     */
    public record Allowlist(
            Map<String, String> tokens,
            Map<String, String> options,
            List<String> encoders,
            List<String> formats,
            List<String> filters,
            List<String> drawtextOptions,
            List<String> x264Params,
            List<String> x265Params,
            List<String> rules) {}

    /** The allowlist commands are checked against. */
    public static Allowlist allowlist() {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("$input_file$", "the job's input, read as nommer probed it (after -i only)");
        tokens.put("$output_file$", "the output file, named after the output with the profile's extname");
        tokens.put(
                "$filters$",
                "the video filter chain nommer would build: deinterlacing, scaling to the profile's"
                        + " size and aspect_mode, its frame rate");
        VALUE_TOKENS.forEach((name, what) -> tokens.put("$" + name + "$", what));
        Map<String, String> options = new java.util.TreeMap<>();
        FfmpegAllowlist.OPTIONS.forEach((name, kind) -> options.put("-" + name, kind.description()));
        return new Allowlist(
                tokens,
                options,
                sorted(ValueKind.ENCODERS),
                sorted(ValueKind.MUXERS),
                sorted(FilterAllowlist.FILTERS),
                sorted(FilterAllowlist.DRAWTEXT_OPTIONS),
                sorted(FfmpegAllowlist.X264_KEYS),
                sorted(FfmpegAllowlist.X265_KEYS),
                List.of(
                        "each line starts with ffmpeg; at most " + MAX_LINES + " lines of " + MAX_LINE_LENGTH
                                + " characters; lines are split as a shell would split them, never run by a shell",
                        "some line reads -i $input_file$ and some line writes $output_file$",
                        "other files are plain names in the working directory (letters, digits, '_', '.', '%', '+',"
                                + " '-', and DASH's $RepresentationID$-style templates): no paths, '..', protocols or"
                                + " devices",
                        "an input format cannot be forced (-f before -i)",
                        "a file a later line reads with -i, and every -passlogfile, stays private to the task; every"
                                + " other file the lines write is published with the output",
                        "options an option file would set (-/option) are refused"));
    }

    private static List<String> sorted(java.util.Collection<String> names) {
        return names.stream().sorted().toList();
    }

    /** The checked lines, tokens for files and filters still in place. */
    public List<List<String>> lines() {
        return lines;
    }

    /** The word with its value tokens filled in; file and filter tokens stay, as whole arguments only. */
    private static String fill(String word, Map<String, String> values, int line) {
        if (PLACEHOLDERS.containsKey(word)) {
            return word;
        }
        Matcher m = TOKEN.matcher(word);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (PLACEHOLDERS.containsKey(m.group())) {
                throw new CommandRefusal(
                        line, word, m.group() + " stands alone as an argument (name other files plainly)");
            }
            if (!VALUE_TOKENS.containsKey(name)) {
                throw new CommandRefusal(
                        line,
                        m.group(),
                        "unknown token; nommer's are $input_file$, $output_file$, $filters$ and $"
                                + String.join("$, $", VALUE_TOKENS.keySet()) + "$");
            }
            String value = values.get(name);
            if (value == null) {
                throw new CommandRefusal(line, m.group(), "the profile sets no " + name + " for this token");
            }
            if (!SAFE_VALUE.matcher(value).matches()) {
                throw new CommandRefusal(line, m.group(), "its value '" + value + "' is not a plain value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
