package io.nommer.core.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
     * in.
     *
     * @param filters the chain nommer would build for the profile (scaling, watermark), or null for none
     */
    public List<List<String>> render(String inputFile, String outputFile, String filters) {
        Map<String, String> placeholders = Map.of(
                "$input_file$",
                inputFile,
                "$output_file$",
                outputFile,
                "$filters$",
                filters == null ? "null" : filters);
        return lines.stream()
                .map(l -> l.stream().map(a -> placeholders.getOrDefault(a, a)).toList())
                .toList();
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
