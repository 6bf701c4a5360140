package io.nommer.core.command;

/**
 * A custom command that nommer will not run, with the line and the token that broke the rules.
 *
 * @see CustomCommand
 */
public final class CommandRefusal extends RuntimeException {
    private final int line;
    private final String token;
    private final String reason;

    /**
     * @param line the 1-based line of the command, 0 for the command as a whole
     * @param token the argument (or text) refused, null when the whole line is
     */
    public CommandRefusal(int line, String token, String reason) {
        super((line > 0 ? "line " + line : "command") + (token == null ? "" : ", '" + shorten(token) + "'") + ": "
                + reason);
        this.line = line;
        this.token = token;
        this.reason = reason;
    }

    public int line() {
        return line;
    }

    public String token() {
        return token;
    }

    public String reason() {
        return reason;
    }

    private static String shorten(String token) {
        return token.length() <= 80 ? token : token.substring(0, 77) + "...";
    }
}
