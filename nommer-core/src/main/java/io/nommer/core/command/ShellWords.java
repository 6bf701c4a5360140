package io.nommer.core.command;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into arguments the way a POSIX shell splits words, without ever running a shell: single
 * quotes keep everything, double quotes keep everything but backslash escapes of {@code " \ $ `}, and a backslash
 * outside quotes keeps the next character. What a shell would give meaning to (pipes, lists, redirections,
 * substitutions, variables) is refused rather than passed on, so that nobody believes it happened; globs and
 * {@code ~} stay as they are, as a shell leaves a pattern that matches nothing, and fail the file-name rules.
 */
final class ShellWords {
    private static final String OPERATORS = "|&;<>()`";

    private ShellWords() {}

    /**
     * @param line the 1-based line number, for the refusal
     * @throws CommandRefusal for an unterminated quote, a shell operator, a substitution or a control character
     */
    static List<String> split(String text, int line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                i++;
                continue;
            }
            if (c < 0x20 || c == 0x7f) {
                throw new CommandRefusal(line, null, "control character U+%04X in the command".formatted((int) c));
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new CommandRefusal(line, text.substring(i), "unterminated single quote");
                }
                word.append(text, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(text, i + 1, word, line);
            } else if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new CommandRefusal(line, "\\", "a backslash at the end of a line (lines do not continue)");
                }
                word.append(text.charAt(i + 1));
                i += 2;
            } else if (OPERATORS.indexOf(c) >= 0) {
                throw new CommandRefusal(
                        line,
                        String.valueOf(c),
                        "shell operators are not supported: each line is one ffmpeg command, run without a shell"
                                + " (quote the character if ffmpeg should see it)");
            } else if (c == '$') {
                i = token(text, i, word, line);
            } else {
                word.append(c);
                i++;
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private static int doubleQuoted(String text, int i, StringBuilder word, int line) {
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
                word.append(text.charAt(i + 1));
                i += 2;
            } else if (c == '`') {
                throw new CommandRefusal(line, "`", "no command substitution");
            } else if (c == '$') {
                i = token(text, i, word, line);
            } else {
                word.append(c);
                i++;
            }
        }
        throw new CommandRefusal(line, "\"", "unterminated double quote");
    }

    /**
     * Appends the nommer token such as {@code $input_file$} that starts at {@code i}, returning where it ends.
     *
     * @throws CommandRefusal when what starts there is a shell variable or substitution instead
     */
    private static int token(String text, int i, StringBuilder word, int line) {
        int end = text.indexOf('$', i + 1);
        if (end > i + 1 && text.substring(i + 1, end).matches("[a-z_]{1,32}")) {
            word.append(text, i, end + 1);
            return end + 1;
        }
        throw new CommandRefusal(
                line,
                text.substring(i, Math.min(text.length(), i + 20)),
                "no shell variables or substitutions; nommer's tokens are $name$ (quote a literal $ in single"
                        + " quotes)");
    }
}
