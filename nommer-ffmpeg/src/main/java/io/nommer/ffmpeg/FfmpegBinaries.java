package io.nommer.ffmpeg;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the ffmpeg and ffprobe executables are.
 *
 * @param ffmpeg an executable file
 * @param ffprobe an executable file
 */
public record FfmpegBinaries(Path ffmpeg, Path ffprobe) {
    /** The setting (config key, also {@code NOMMER_FFMPEG}) that names the ffmpeg binary. */
    public static final String FFMPEG_SETTING = "ffmpeg";
    /** The setting (config key, also {@code NOMMER_FFPROBE}) that names the ffprobe binary. */
    public static final String FFPROBE_SETTING = "ffprobe";

    public FfmpegBinaries {
        Objects.requireNonNull(ffmpeg, FFMPEG_SETTING);
        Objects.requireNonNull(ffprobe, FFPROBE_SETTING);
    }

    /**
     * Resolves both binaries: each configured value (a path, or a bare name looked up on {@code PATH}), or when null
     * or blank the plain names {@code ffmpeg} and {@code ffprobe} on {@code PATH}.
     *
     * @throws IllegalArgumentException naming the setting when a binary cannot be found or is not executable
     */
    public static FfmpegBinaries resolve(String ffmpeg, String ffprobe) {
        return resolve(ffmpeg, ffprobe, System.getenv());
    }

    static FfmpegBinaries resolve(String ffmpeg, String ffprobe, Map<String, String> env) {
        return new FfmpegBinaries(find(FFMPEG_SETTING, ffmpeg, env), find(FFPROBE_SETTING, ffprobe, env));
    }

    private static Path find(String setting, String configured, Map<String, String> env) {
        String envName = "NOMMER_" + setting.toUpperCase(java.util.Locale.ROOT);
        if (configured == null || configured.isBlank()) {
            Path found = onPath(setting, env.get("PATH"));
            if (found == null) {
                throw new IllegalArgumentException(setting + " is not set and no '" + setting + "' executable is on "
                        + "PATH; install ffmpeg or set " + setting + " (environment " + envName
                        + ") to the path of the " + setting + " binary");
            }
            return found;
        }
        String value = configured.strip();
        if (!value.contains("/") && !value.contains(File.separator)) {
            Path found = onPath(value, env.get("PATH"));
            if (found == null) {
                throw new IllegalArgumentException(setting + " is '" + value + "', but no such executable is on PATH; "
                        + "set " + setting + " (environment " + envName + ") to the binary's full path");
            }
            return found;
        }
        Path p = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(setting + " is '" + value + "', but there is no such file; set "
                    + setting + " (environment " + envName + ") to the path of the " + setting + " binary");
        }
        if (!Files.isExecutable(p)) {
            throw new IllegalArgumentException(setting + " is '" + value + "', but that file is not executable");
        }
        return p;
    }

    /** The executable {@code name} on this process's {@code PATH}, as {@link #resolve} would find it, if any. */
    public static java.util.Optional<Path> onPath(String name) {
        return java.util.Optional.ofNullable(onPath(name, System.getenv("PATH")));
    }

    private static Path onPath(String name, String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return null;
    }
}
