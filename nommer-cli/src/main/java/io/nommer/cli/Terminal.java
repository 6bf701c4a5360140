package io.nommer.cli;

import java.io.Console;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * Whether a person watches the output (a terminal: live bars redrawn in place) or a program reads it (plain lines),
 * and how wide the terminal is.
 *
 * @param interactive stdout (and stdin) are a terminal that understands cursor movement
 * @param columns the terminal's width ({@code COLUMNS}, which the {@code nommer} launcher exports), else 80
 */
record Terminal(boolean interactive, int columns) {
    static final Terminal PLAIN = new Terminal(false, 80);

    static Terminal detect(Map<String, String> env) {
        boolean tty = console() && !"dumb".equals(env.get("TERM"));
        int columns = 80;
        try {
            columns = Math.max(
                    40, Integer.parseInt(env.getOrDefault("COLUMNS", "80").trim()));
        } catch (NumberFormatException e) {
            // not a number: keep 80
        }
        return new Terminal(tty, columns);
    }

    private static boolean console() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        // why: from JDK 22, System.console() may answer a console for redirected streams; isTerminal (22+) tells
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }
}
