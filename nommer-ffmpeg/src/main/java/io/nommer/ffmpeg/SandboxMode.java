package io.nommer.ffmpeg;

import java.util.Locale;

/** The {@value #SETTING} setting: how ffmpeg and ffprobe are isolated from the machine they run on. */
public enum SandboxMode {
    /** bubblewrap where it is installed and works (checked once at start by running it), otherwise none. */
    AUTO,
    /** bubblewrap, always: a machine where it is missing or does not work refuses to start. */
    BWRAP,
    /** None: the processes see what the service's user sees. */
    OFF;

    public static final String SETTING = "sandbox";

    /** @throws IllegalArgumentException naming the setting and its values */
    public static SandboxMode parse(String value) {
        if (value == null) {
            return AUTO;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SETTING + " must be auto, bwrap or off, not '" + value + "'");
        }
    }

    /** As the setting is written: {@code auto}, {@code bwrap}, {@code off}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
