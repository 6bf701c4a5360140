package io.nommer.server.config;

import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.retention.RetentionPolicy;
import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import io.nommer.ffmpeg.ProcessLimits;
import io.nommer.ffmpeg.SandboxMode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads settings from, lowest to highest precedence: built-in defaults, an optional properties file
 * ({@code --config FILE} or {@code NOMMER_CONFIG}), {@code NOMMER_<SETTING>} environment variables, and flags
 * ({@code --setting value}). Setting names are the same everywhere: {@code port}, {@code data}, {@code workers}, ...
 */
public final class ConfigLoader {
    /** The settings of the tenant_limits block: {@code tenant_limits.<limit>}, read as {@code tenant_limits_<limit>}. */
    private static final String TENANT_LIMITS = "tenant_limits_";
    /**
     * The settings of one stack: {@code stacks.<name>.ffmpeg}, {@code .ffprobe} and {@code .version}, read (like every
     * setting name) with {@code -} and {@code .} as {@code _}, so the name is matched in that form too.
     */
    private static final java.util.regex.Pattern STACK_SETTING =
            java.util.regex.Pattern.compile("stacks_(.+)_(ffmpeg|ffprobe|version)");
    /** A field of a cloud's scaling policy: {@code scaling.<cloud>.<field>}, named as the API names them. */
    private static final java.util.regex.Pattern SCALING_SETTING = java.util.regex.Pattern.compile(
            "scaling_(.+)_(provider|min_workers|max_workers|slots_per_worker|scale_up_cooldown_seconds|exit_when_idle_seconds)");

    public static final Set<String> SETTINGS = Set.of(
            "bind",
            "port",
            "data",
            "workers",
            "ffmpeg",
            "ffprobe",
            "stacks",
            "scaling",
            "default_stack",
            "input_roots",
            "output_roots",
            "allow_private_networks",
            "max_upload_bytes",
            "max_input_bytes",
            "min_input_bytes_per_second",
            "min_input_rate_window_seconds",
            "lease_seconds",
            "encode_timeout_seconds",
            "webhook_secret",
            "config",
            "store",
            "storage",
            "s3_endpoint",
            "s3_region",
            "s3_path_style",
            "s3_access_key",
            "s3_secret_key",
            "exit_when_idle",
            "shutdown_grace_seconds",
            "clouds",
            "encoder",
            "null_encoder_pause_ms",
            "plugins",
            "http_idle_timeout_seconds",
            "cors_origins",
            "tls_keystore",
            "tls_keystore_password",
            "public_url",
            "auth",
            "auth_off_on_network",
            "signed_url_seconds",
            "metrics_token",
            "media_nommer_compat",
            "media_nommer_tenant",
            "job_retention",
            "upload_retention",
            "delete_outputs_with_job",
            "sandbox",
            "encode_cpu_seconds",
            "encode_memory_bytes",
            "max_input_seconds",
            "max_input_pixels",
            "max_input_streams",
            "worker_id");

    private ConfigLoader() {}

    /**
     * @param flags settings given on the command line (names without dashes, {@code -} or {@code _} alike)
     * @param env the process environment
     * @throws IllegalArgumentException naming the bad setting and where it came from
     */
    public static ServerConfig load(Map<String, String> flags, Map<String, String> env) {
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        String file = flags.getOrDefault("config", env.get("NOMMER_CONFIG"));
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file))) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("config file " + file + " cannot be read: " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                put(merged, origin, normalize(k), p.getProperty(k).trim(), "config file " + file);
            }
        }
        env.forEach((k, v) -> {
            if (k.startsWith("NOMMER_") && !k.equals("NOMMER_CONFIG") && !k.equals("NOMMER_TEST")) {
                put(merged, origin, normalize(k.substring("NOMMER_".length())), v, "environment " + k);
            }
        });
        flags.forEach((k, v) -> put(merged, origin, normalize(k), v, "flag --" + k));
        merged.remove("config");
        try {
            return new ServerConfig(
                    merged.getOrDefault("bind", ServerConfig.DEFAULT_BIND),
                    integer(merged, origin, "port", ServerConfig.DEFAULT_PORT),
                    Path.of(merged.getOrDefault("data", ServerConfig.DEFAULT_DATA.toString())),
                    integer(merged, origin, "workers", ServerConfig.defaultWorkers()),
                    merged.get("ffmpeg"),
                    merged.get("ffprobe"),
                    stacks(merged, origin),
                    paths(merged.get("input_roots")),
                    paths(merged.get("output_roots")),
                    bool(merged, origin, "allow_private_networks"),
                    longValue(merged, origin, "max_upload_bytes", ServerConfig.DEFAULT_MAX_UPLOAD_BYTES),
                    longValue(merged, origin, "max_input_bytes", ServerConfig.DEFAULT_MAX_INPUT_BYTES),
                    longValue(
                            merged,
                            origin,
                            "min_input_bytes_per_second",
                            ServerConfig.DEFAULT_MIN_INPUT_BYTES_PER_SECOND),
                    Duration.ofSeconds(longValue(
                            merged,
                            origin,
                            "min_input_rate_window_seconds",
                            ServerConfig.DEFAULT_MIN_INPUT_RATE_WINDOW.toSeconds())),
                    Duration.ofSeconds(
                            longValue(merged, origin, "lease_seconds", ServerConfig.DEFAULT_LEASE.toSeconds())),
                    Duration.ofSeconds(longValue(
                            merged, origin, "encode_timeout_seconds", ServerConfig.DEFAULT_ENCODE_TIMEOUT.toSeconds())),
                    merged.get("webhook_secret"),
                    merged.get("store"),
                    merged.get("storage"),
                    new ServerConfig.S3Settings(
                            merged.get("s3_endpoint"),
                            merged.getOrDefault("s3_region", "us-east-1"),
                            bool(merged, origin, "s3_path_style"),
                            merged.get("s3_access_key"),
                            merged.get("s3_secret_key")),
                    duration(merged, origin, "exit_when_idle"),
                    Duration.ofSeconds(longValue(
                            merged, origin, "shutdown_grace_seconds", ServerConfig.DEFAULT_SHUTDOWN_GRACE.toSeconds())),
                    list(merged.get("clouds")),
                    merged.get("encoder"),
                    Duration.ofMillis(longValue(merged, origin, "null_encoder_pause_ms", 0)),
                    merged.get("plugins") == null || merged.get("plugins").isBlank()
                            ? null
                            : Path.of(merged.get("plugins").trim()),
                    new ServerConfig.Http(
                            Duration.ofSeconds(longValue(
                                    merged,
                                    origin,
                                    "http_idle_timeout_seconds",
                                    ServerConfig.Http.DEFAULT_IDLE_TIMEOUT.toSeconds())),
                            list(merged.get("cors_origins")),
                            merged.get("tls_keystore") == null ? null : Path.of(merged.get("tls_keystore")),
                            merged.get("tls_keystore_password"),
                            merged.get("public_url"),
                            merged.get("auth"),
                            bool(merged, origin, "auth_off_on_network"),
                            Duration.ofSeconds(longValue(
                                    merged,
                                    origin,
                                    "signed_url_seconds",
                                    ServerConfig.Http.DEFAULT_SIGNED_URL_LIFETIME.toSeconds())),
                            merged.get("metrics_token"),
                            merged.get("media_nommer_compat"),
                            merged.get("media_nommer_tenant")),
                    tenantLimits(merged, origin),
                    new RetentionPolicy(
                            retention(merged, origin, "job_retention", RetentionPolicy.DEFAULT_JOBS),
                            retention(merged, origin, "upload_retention", RetentionPolicy.DEFAULT_UPLOADS),
                            bool(merged, origin, "delete_outputs_with_job")),
                    processes(merged, origin),
                    scaling(merged, origin),
                    new ServerConfig.InputLimits(
                            longValue(
                                    merged, origin, "max_input_seconds", ServerConfig.InputLimits.DEFAULT.maxSeconds()),
                            longValue(merged, origin, "max_input_pixels", ServerConfig.InputLimits.DEFAULT.maxPixels()),
                            integer(
                                    merged,
                                    origin,
                                    "max_input_streams",
                                    ServerConfig.InputLimits.DEFAULT.maxStreams())),
                    blankIsNull(merged.get("worker_id")),
                    providerSettings(merged));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid configuration: " + e.getMessage(), e);
        }
    }

    /**
     * The sandbox and the process limits; the CPU limit defaults to the encode timeout of every core (see
     * {@link ProcessLimits#defaultCpuSeconds}).
     */
    private static ServerConfig.Processes processes(Map<String, String> m, Map<String, String> origin) {
        SandboxMode mode;
        try {
            mode = SandboxMode.parse(m.get(SandboxMode.SETTING));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + origin.get(SandboxMode.SETTING) + ")");
        }
        long timeout = longValue(m, origin, "encode_timeout_seconds", ServerConfig.DEFAULT_ENCODE_TIMEOUT.toSeconds());
        long cpu = longValue(
                m,
                origin,
                ProcessLimits.CPU_SETTING,
                timeout < 1
                        ? 0 // encode_timeout_seconds itself is refused, naming that setting
                        : ProcessLimits.defaultCpuSeconds(
                                Duration.ofSeconds(timeout),
                                Runtime.getRuntime().availableProcessors()));
        long memory = longValue(m, origin, ProcessLimits.MEMORY_SETTING, ProcessLimits.DEFAULT_MEMORY_BYTES);
        try {
            return new ServerConfig.Processes(mode, new ProcessLimits(cpu, memory));
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().startsWith(ProcessLimits.CPU_SETTING)
                    ? ProcessLimits.CPU_SETTING
                    : ProcessLimits.MEMORY_SETTING;
            throw new IllegalArgumentException(
                    e.getMessage() + (origin.containsKey(key) ? " (" + origin.get(key) + ")" : ""));
        }
    }

    private static void put(Map<String, String> m, Map<String, String> origin, String key, String value, String from) {
        if (!SETTINGS.contains(key)
                && !ServerConfig.PROVIDER_SETTINGS.contains(key)
                && !isTenantLimit(key)
                && !STACK_SETTING.matcher(key).matches()
                && !SCALING_SETTING.matcher(key).matches()) {
            throw new IllegalArgumentException("unknown setting '" + key + "' (" + from + "); known settings: "
                    + new java.util.TreeSet<>(SETTINGS) + ", " + new java.util.TreeSet<>(ServerConfig.PROVIDER_SETTINGS)
                    + ", tenant_limits." + "{" + TenantLimit.known() + "}"
                    + ", stacks.NAME.{ffmpeg, ffprobe, version} and scaling.CLOUD.{provider, min_workers, max_workers,"
                    + " slots_per_worker, scale_up_cooldown_seconds, exit_when_idle_seconds}");
        }
        m.put(key, value);
        origin.put(key, from);
    }

    /** Setting names in any case, with {@code -} or {@code .} for {@code _} ({@code tenant_limits.max_queued_jobs}). */
    static String normalize(String key) {
        return key.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    private static boolean isTenantLimit(String key) {
        if (!key.startsWith(TENANT_LIMITS)) {
            return false;
        }
        try {
            TenantLimit.parse(key.substring(TENANT_LIMITS.length()));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The names a list setting ({@code stacks}, {@code scaling}) gives, each of which may have a block of settings
     * ({@code <list>.<name>.<field>}, matched by {@code block}). A block for a name the list lacks is refused, so
     * that a typo in a name does not leave it without its settings.
     */
    private static List<String> listWithBlocks(
            Map<String, String> m,
            Map<String, String> origin,
            String setting,
            java.util.regex.Pattern block,
            String what) {
        List<String> names = list(m.get(setting));
        Set<String> keys = new java.util.HashSet<>();
        names.forEach(n -> keys.add(normalize(n)));
        for (String key : m.keySet()) {
            java.util.regex.Matcher x = block.matcher(key);
            if (x.matches() && !keys.contains(x.group(1))) {
                throw new IllegalArgumentException(setting + "." + x.group(1) + "." + x.group(2) + " ("
                        + origin.get(key) + ") names a " + what + " that setting " + setting + " does not list ("
                        + names + ")");
            }
        }
        return names;
    }

    /**
     * The {@code stacks} list with each stack's block ({@code stacks.<name>.ffmpeg}, {@code .ffprobe},
     * {@code .version}), and {@code default_stack}. A block for a name the list lacks is refused, so that a typo in a
     * name does not leave a stack without its binaries.
     */
    private static StackSettings stacks(Map<String, String> m, Map<String, String> origin) {
        List<String> names = listWithBlocks(m, origin, "stacks", STACK_SETTING, "stack");
        List<StackSettings.Declared> declared = new ArrayList<>();
        for (String name : names) {
            String key = "stacks_" + normalize(name) + "_";
            declared.add(new StackSettings.Declared(
                    name, m.get(key + "ffmpeg"), m.get(key + "ffprobe"), m.get(key + "version")));
        }
        return new StackSettings(declared, m.get("default_stack"));
    }

    /**
     * The clouds the {@code scaling} setting lists, each with its policy from {@code scaling.<cloud>.*}: {@code
     * provider} and {@code max_workers} are needed; {@code min_workers} defaults to 0, {@code slots_per_worker} to 1,
     * {@code scale_up_cooldown_seconds} to 30 and {@code exit_when_idle_seconds} to 300. A block for a cloud the list
     * lacks is refused, as for stacks.
     */
    private static Map<String, ScalingPolicy> scaling(Map<String, String> m, Map<String, String> origin) {
        List<String> clouds = listWithBlocks(m, origin, "scaling", SCALING_SETTING, "cloud");
        Map<String, ScalingPolicy> policies = new LinkedHashMap<>();
        for (String cloud : clouds) {
            String key = "scaling_" + normalize(cloud) + "_";
            for (String needed : List.of("provider", "max_workers")) {
                if (m.get(key + needed) == null) {
                    throw new IllegalArgumentException("scaling lists cloud " + cloud + ", which needs scaling." + cloud
                            + "." + needed + " (" + origin.get("scaling") + ")");
                }
            }
            try {
                policies.put(
                        cloud,
                        new ScalingPolicy(
                                m.get(key + "provider").trim(),
                                integer(m, origin, key + "min_workers", 0),
                                integer(m, origin, key + "max_workers", 0),
                                integer(m, origin, key + "slots_per_worker", 1),
                                Duration.ofSeconds(longValue(m, origin, key + "scale_up_cooldown_seconds", 30)),
                                Duration.ofSeconds(longValue(m, origin, key + "exit_when_idle_seconds", 300))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("scaling." + cloud + ": " + e.getMessage());
            }
        }
        return policies;
    }

    /** The tenant_limits block: each limit a whole number of at least 0 or {@code unlimited}; unset ones are unlimited. */
    private static TenantLimits tenantLimits(Map<String, String> m, Map<String, String> origin) {
        TenantLimits limits = TenantLimits.NONE;
        for (TenantLimit l : TenantLimit.values()) {
            String key = TENANT_LIMITS + l.wireName();
            String v = m.get(key);
            if (v != null) {
                try {
                    limits = limits.with(l, TenantLimits.parseValue(l, v.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "tenant_limits." + e.getMessage() + " (" + origin.get(key) + ")");
                }
            }
        }
        return limits;
    }

    private static int integer(Map<String, String> m, Map<String, String> origin, String key, int dflt) {
        long v = longValue(m, origin, key, dflt);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(key + " is out of range (" + origin.get(key) + ")");
        }
        return (int) v;
    }

    private static long longValue(Map<String, String> m, Map<String, String> origin, String key, long dflt) {
        String v = m.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    key + " must be a whole number, not '" + v + "' (" + origin.get(key) + ")");
        }
    }

    /** {@code 90}, {@code 90s}, {@code 10m} or {@code 2h}; null when unset. */
    private static Duration duration(Map<String, String> m, Map<String, String> origin, String key) {
        String v = m.get(key);
        if (v == null) {
            return null;
        }
        Duration d = parseDuration(v, false);
        if (d == null) {
            throw new IllegalArgumentException(
                    key + " must look like 90s, 10m or 2h, not '" + v + "' (" + origin.get(key) + ")");
        }
        return d;
    }

    /** A whole number of seconds, minutes, hours or days ({@code 45s}, {@code 2h}, {@code 30d}); null if not one. */
    private static Duration parseDuration(String v, boolean unitRequired) {
        java.util.regex.Matcher x = java.util.regex.Pattern.compile(
                        "(\\d{1,9})([smhd]" + (unitRequired ? "" : "?") + ")")
                .matcher(v.trim().toLowerCase(Locale.ROOT));
        if (!x.matches()) {
            return null;
        }
        long n = Long.parseLong(x.group(1));
        return switch (x.group(2)) {
            case "d" -> Duration.ofDays(n);
            case "h" -> Duration.ofHours(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** {@code 30d}, {@code 12h}, {@code 90m} or {@code 45s}; {@code 0} or {@code off} keeps things forever. */
    private static Duration retention(Map<String, String> m, Map<String, String> origin, String key, Duration dflt) {
        String v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (v.trim().equalsIgnoreCase("off") || v.trim().equals("0")) {
            return Duration.ZERO;
        }
        Duration d = parseDuration(v, true);
        if (d == null) {
            throw new IllegalArgumentException(
                    key + " must look like 30d, 12h, 90m or 45s, or be off, not '" + v + "' (" + origin.get(key) + ")");
        }
        return d;
    }

    private static boolean bool(Map<String, String> m, Map<String, String> origin, String key) {
        String v = m.get(key);
        if (v == null) {
            return false;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "" -> true;
            case "false", "no", "0" -> false;
            default ->
                throw new IllegalArgumentException(
                        key + " must be true or false, not '" + v + "' (" + origin.get(key) + ")");
        };
    }

    private static String blankIsNull(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The providers' own settings ({@link ServerConfig#PROVIDER_SETTINGS}); each provider reads and checks them. */
    private static Map<String, String> providerSettings(Map<String, String> m) {
        Map<String, String> own = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (ServerConfig.PROVIDER_SETTINGS.contains(k) && !v.isBlank()) {
                own.put(k, v.strip());
            }
        });
        return own;
    }

    private static List<String> list(String v) {
        return v == null
                ? List.of()
                : java.util.Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(x -> !x.isEmpty())
                        .toList();
    }

    private static List<Path> paths(String v) {
        List<Path> out = new ArrayList<>();
        if (v != null) {
            for (String part : v.split("[,:]")) {
                if (!part.isBlank()) {
                    out.add(Path.of(part.trim()));
                }
            }
        }
        return out;
    }
}
