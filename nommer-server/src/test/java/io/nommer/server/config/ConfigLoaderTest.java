package io.nommer.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.retention.RetentionPolicy;
import io.nommer.core.tenant.TenantLimit;
import io.nommer.core.tenant.TenantLimits;
import io.nommer.ffmpeg.ProcessLimits;
import io.nommer.ffmpeg.SandboxMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
        Path file = tmp.resolve("nommer.properties");
        Files.writeString(file, "port = 7000\nworkers = 3\ndata = /srv/file-data\n");
        ServerConfig c = ConfigLoader.load(
                Map.of("config", file.toString(), "port", "9000"),
                Map.of("NOMMER_WORKERS", "5", "NOMMER_PORT", "8000"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.workers()).isEqualTo(5);
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/file-data"));
    }

    @Test
    void defaults_needNoConfiguration() {
        ServerConfig c = ConfigLoader.load(Map.of(), Map.of());
        assertThat(c.port()).isEqualTo(ServerConfig.DEFAULT_PORT);
        assertThat(c.dataDir()).isEqualTo(ServerConfig.DEFAULT_DATA);
        assertThat(c.workers()).isPositive();
        assertThat(c.allowPrivateNetworks()).isFalse();
        assertThat(c.minInputBytesPerSecond()).isEqualTo(16 * 1024);
        assertThat(c.minInputRateWindow()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(c.shutdownGrace()).isEqualTo(java.time.Duration.ofSeconds(20));
    }

    @Test
    void tenantLimits_areABlockOfTheFile_orVariablesAndFlags_unlimitedUnlessSet() throws Exception {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).tenantLimits()).isEqualTo(TenantLimits.NONE);
        Path file = tmp.resolve("nommer.properties");
        Files.writeString(file, "tenant_limits.max_running_tasks = 8\ntenant_limits.max_input_bytes = unlimited\n");

        ServerConfig c = ConfigLoader.load(
                Map.of("config", file.toString(), "tenant-limits-max-uploads-per-day", "100"),
                Map.of("NOMMER_TENANT_LIMITS_MAX_QUEUED_JOBS", "5000"));

        TenantLimits limits = c.tenantLimits();
        assertThat(limits.get(TenantLimit.MAX_RUNNING_TASKS)).isEqualTo(8);
        assertThat(limits.get(TenantLimit.MAX_INPUT_BYTES)).isEqualTo(TenantLimits.UNLIMITED);
        assertThat(limits.get(TenantLimit.MAX_UPLOADS_PER_DAY)).isEqualTo(100);
        assertThat(limits.get(TenantLimit.MAX_QUEUED_JOBS)).isEqualTo(5000);
        assertThat(limits.get(TenantLimit.MAX_INPUT_SECONDS)).isNull();
        assertThat(c.toString()).contains("tenant_limits=max_running_tasks=8, max_queued_jobs=5000");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("tenant_limits.max_running_tasks", "-2"), Map.of()))
                .hasMessageContaining("tenant_limits.max_running_tasks must be a whole number of at least 0 or "
                        + "unlimited, not '-2' (flag --tenant_limits.max_running_tasks)");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("tenant_limits.max_gpus", "1"), Map.of()))
                .hasMessageContaining("unknown setting 'tenant_limits_max_gpus'")
                .hasMessageContaining("tenant_limits.{max_running_tasks, max_queued_jobs");
    }

    @Test
    void badValues_nameTheSettingAndWhereItCameFrom() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("NOMMER_PORT", "eighty")))
                .hasMessageContaining("port")
                .hasMessageContaining("NOMMER_PORT");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("workers", "-1"), Map.of()))
                .hasMessageContaining("workers must be between 0 and 256");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("colour", "red"), Map.of()))
                .hasMessageContaining("unknown setting 'colour'");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("allow-private-networks", "maybe"), Map.of()))
                .hasMessageContaining("allow_private_networks must be true or false");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("min_input_bytes_per_second", "-1"), Map.of()))
                .hasMessageContaining("min_input_bytes_per_second cannot be negative");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("min_input_rate_window_seconds", "0"), Map.of()))
                .hasMessageContaining("min_input_rate_window_seconds cannot be less than 1");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("shutdown_grace_seconds", "-5"), Map.of()))
                .hasMessageContaining("shutdown_grace_seconds must be between 0 and 86400");
    }

    @Test
    void sandboxAndProcessLimits_defaultToAutoWithTheTimeoutOfEveryCoreAnd16GiB_andAreChecked() {
        ServerConfig d = ConfigLoader.load(Map.of(), Map.of());
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(d.processes().sandbox()).isEqualTo(SandboxMode.AUTO);
        assertThat(d.processes().limits()).isEqualTo(new ProcessLimits(6L * 3600 * cores, 16L * 1024 * 1024 * 1024));
        assertThat(ConfigLoader.load(Map.of("encode_timeout_seconds", "100"), Map.of())
                        .processes()
                        .limits()
                        .cpuSeconds())
                .as("the CPU default follows encode_timeout_seconds")
                .isEqualTo(100L * cores);

        ServerConfig c = ConfigLoader.load(
                Map.of("sandbox", "bwrap", "encode-cpu-seconds", "600"), Map.of("NOMMER_ENCODE_MEMORY_BYTES", "0"));
        assertThat(c.processes()).isEqualTo(new ServerConfig.Processes(SandboxMode.BWRAP, new ProcessLimits(600, 0)));
        assertThat(c.toString()).contains("sandbox=bwrap, encode_cpu_seconds=600, encode_memory_bytes=none");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("NOMMER_SANDBOX", "chroot")))
                .hasMessageContaining("sandbox must be auto, bwrap or off, not 'chroot' (environment NOMMER_SANDBOX)");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("encode_cpu_seconds", "-1"), Map.of()))
                .hasMessageContaining("encode_cpu_seconds cannot be negative")
                .hasMessageContaining("flag --encode_cpu_seconds");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("encode_memory_bytes", "1000"), Map.of()))
                .hasMessageContaining("encode_memory_bytes must be 0 (no limit) or at least 67108864");
    }

    @Test
    void inputLimits_haveSettings_defaultingToTwelveHours8kAnd64Streams() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).inputLimits())
                .isEqualTo(new ServerConfig.InputLimits(43_200, 7680L * 4320, 64));
        ServerConfig c = ConfigLoader.load(
                Map.of("max-input-seconds", "3600", "max_input_streams", "8"),
                Map.of("NOMMER_MAX_INPUT_PIXELS", "2073600"));
        assertThat(c.inputLimits()).isEqualTo(new ServerConfig.InputLimits(3600, 1920L * 1080, 8));
        assertThat(c.toString()).contains("max_input_seconds=3600, max_input_pixels=2073600, max_input_streams=8");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("max_input_streams", "0"), Map.of()))
                .hasMessageContaining("max_input_streams must be at least 1, not 0");
    }

    @Test
    void retention_takesDaysHoursMinutesOrSeconds_orOff_andKeepsThirtyAndSevenDaysByDefault() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).retention()).isEqualTo(RetentionPolicy.DEFAULT);
        RetentionPolicy r = ConfigLoader.load(
                        Map.of("job_retention", "12h", "upload_retention", "off", "delete_outputs_with_job", "true"),
                        Map.of("NOMMER_UPLOAD_RETENTION", "3d"))
                .retention();
        assertThat(r).isEqualTo(new RetentionPolicy(Duration.ofHours(12), Duration.ZERO, true));
        assertThat(ConfigLoader.load(Map.of("job_retention", "0"), Map.of())
                        .retention()
                        .deletesJobs())
                .isFalse();
        assertThat(ConfigLoader.load(Map.of("job_retention", "90m"), Map.of()).toString())
                .contains("job_retention=90m, upload_retention=7d, delete_outputs_with_job=false");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("job_retention", "a month"), Map.of()))
                .hasMessageContaining("job_retention must look like 30d, 12h, 90m or 45s, or be off, not 'a month'")
                .hasMessageContaining("flag --job_retention");
        assertThatThrownBy(() ->
                        ConfigLoader.load(Map.of("job_retention", "off", "delete_outputs_with_job", "true"), Map.of()))
                .hasMessageContaining("delete_outputs_with_job needs job_retention");
    }

    @Test
    void retention_looksEveryTenthOfTheShorterRetention_betweenASecondAndAMinute() {
        Duration oneDay = Duration.ofDays(1);
        assertThat(new RetentionPolicy(oneDay, Duration.ofSeconds(50), false).interval())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(new RetentionPolicy(Duration.ofSeconds(3), Duration.ZERO, false).interval())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(new RetentionPolicy(Duration.ZERO, Duration.ofMinutes(5), false).interval())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(RetentionPolicy.DEFAULT.interval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void metricsToken_isMasked_andMustBeLongEnoughWithoutSpaces() {
        ServerConfig c = ConfigLoader.load(Map.of("metrics_token", "prometheus-token-0123456789"), Map.of());
        assertThat(c.http().metricsToken()).isEqualTo("prometheus-token-0123456789");
        assertThat(c.toString()).doesNotContain("prometheus-token-0123456789").contains("metrics_token=<masked>");
        assertThat(ConfigLoader.load(Map.of(), Map.of()).toString()).contains("metrics_token=none (admin keys only)");
        for (String bad : new String[] {"short", "has a space in it 0123456789"}) {
            assertThatThrownBy(() -> ConfigLoader.load(Map.of("metrics_token", bad), Map.of()))
                    .hasMessageContaining("metrics_token must be at least 16 printable characters without spaces");
        }
    }

    @Test
    void ffmpegAndFfprobe_notSet_areLoggedAsTheOnesFoundOnPath() {
        String logged = ConfigLoader.load(Map.of(), Map.of()).toString();

        assertThat(logged).doesNotContain("ffmpeg=null").doesNotContain("ffprobe=null");
        String expected = io.nommer.ffmpeg.FfmpegBinaries.onPath("ffmpeg")
                .map(p -> "ffmpeg=" + p + " (from PATH)")
                .orElse("ffmpeg=none on PATH");
        assertThat(logged).contains(expected);
        assertThat(ConfigLoader.load(Map.of("ffmpeg", "/opt/ffmpeg/bin/ffmpeg"), Map.of())
                        .toString())
                .contains("ffmpeg=/opt/ffmpeg/bin/ffmpeg,");
    }

    @Test
    void secrets_areMaskedInTheLoggedForm() {
        ServerConfig c = ConfigLoader.load(Map.of("webhook_secret", "super-secret-value-123"), Map.of());
        assertThat(c.toString()).doesNotContain("super-secret-value-123").contains("webhook_secret=<masked>");
    }

    @Test
    void storeAndStorage_areCheckedAndPasswordsMasked() {
        ServerConfig c = ConfigLoader.load(
                Map.of(
                        "store",
                        "postgresql://nommer:hunter2@db:5432/nommer",
                        "storage",
                        "s3://media/nommer",
                        "s3_access_key",
                        "AKIAEXAMPLE",
                        "s3_secret_key",
                        "s3cr3t-value",
                        "exit_when_idle",
                        "10m"),
                Map.of());
        assertThat(c.exitWhenIdle()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(c.toString())
                .doesNotContain("hunter2", "AKIAEXAMPLE", "s3cr3t-value")
                .contains("postgresql://nommer:<masked>@db:5432/nommer", "storage=s3://media/nommer");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("store", "mysql://x:pw@y/z"), Map.of()))
                .hasMessageContaining("store must be postgresql://")
                .hasMessageNotContaining(":pw@");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("storage", "gs://bucket"), Map.of()))
                .hasMessageContaining("storage must be s3://");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("s3_access_key", "only-one"), Map.of()))
                .hasMessageContaining("s3_access_key and s3_secret_key must be set together");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("exit_when_idle", "soon"), Map.of()))
                .hasMessageContaining("exit_when_idle must look like");
    }

    @Test
    void plugins_defaultToThePluginsFolderInTheDataDirectory_onlyWhenItExists() throws Exception {
        Path data = tmp.resolve("data");
        ServerConfig c = ConfigLoader.load(Map.of("data", data.toString()), Map.of());
        assertThat(c.plugins()).isNull();
        assertThat(c.pluginsFolder()).isNull();

        Files.createDirectories(data.resolve("plugins"));
        assertThat(c.pluginsFolder()).isEqualTo(data.resolve("plugins").toAbsolutePath());

        Path elsewhere = tmp.resolve("opt-plugins");
        ServerConfig set =
                ConfigLoader.load(Map.of("data", data.toString()), Map.of("NOMMER_PLUGINS", elsewhere.toString()));
        assertThat(set.pluginsFolder()).isEqualTo(elsewhere.toAbsolutePath());
        assertThat(set.toString()).contains("plugins=" + elsewhere);
    }

    @Test
    void encoder_defaultsToFfmpeg_andAnyOtherNameIsCheckedOnlyForItsShapeHere() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).encoder()).isEqualTo("ffmpeg");
        // whether it is loaded is known once the plug-ins are (EncoderPluginTest)
        assertThat(ConfigLoader.load(Map.of("encoder", "transcript"), Map.of()).encoder())
                .isEqualTo("transcript");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("encoder", "My Encoder"), Map.of()))
                .hasMessageContaining("encoder must name an encoder")
                .hasMessageContaining("'My Encoder'");
    }

    @Test
    void stacks_areAListWithABlockPerStack_inTheFileOrEnvironment_theFirstTheDefault() throws Exception {
        Path file = tmp.resolve("nommer.properties");
        Files.writeString(
                file,
                "stacks = ffmpeg-5.1, ffmpeg-6.1\n"
                        + "stacks.ffmpeg-5.1.ffmpeg = /usr/bin/ffmpeg\n"
                        + "stacks.ffmpeg-5.1.version = 5.1\n"
                        + "stacks.ffmpeg-6.1.ffmpeg = /opt/ffmpeg-6.1/bin/ffmpeg\n");

        ServerConfig c = ConfigLoader.load(
                Map.of("config", file.toString()),
                Map.of(
                        "NOMMER_STACKS_FFMPEG_6_1_VERSION", "6.1.1",
                        "NOMMER_STACKS_FFMPEG_6_1_FFPROBE", "/opt/ffprobe-6.1"));

        assertThat(c.stacks().stacks())
                .containsExactly(
                        new StackSettings.Declared("ffmpeg-5.1", "/usr/bin/ffmpeg", "/usr/bin/ffprobe", "5.1"),
                        new StackSettings.Declared(
                                "ffmpeg-6.1", "/opt/ffmpeg-6.1/bin/ffmpeg", "/opt/ffprobe-6.1", "6.1.1"));
        assertThat(c.stacks().defaultStack()).isEqualTo("ffmpeg-5.1");
        assertThat(ConfigLoader.load(
                                Map.of("config", file.toString(), "default_stack", "ffmpeg-6.1"),
                                Map.of("NOMMER_STACKS_FFMPEG_6_1_VERSION", "6.1"))
                        .stacks()
                        .defaultStack())
                .isEqualTo("ffmpeg-6.1");
        assertThat(c.toString()).contains("stacks=[ffmpeg-5.1(ffmpeg=/usr/bin/ffmpeg, ffprobe=/usr/bin/ffprobe");
        assertThat(ConfigLoader.load(Map.of(), Map.of()).stacks()).isEqualTo(StackSettings.NONE);
    }

    @Test
    void scaling_isAListOfCloudsWithAPolicyEach_missingFieldsTakingTheirDefaults() {
        ServerConfig c = ConfigLoader.load(
                Map.of("scaling", "gpu-big"),
                Map.of(
                        "NOMMER_SCALING_GPU_BIG_PROVIDER", "local",
                        "NOMMER_SCALING_GPU_BIG_MAX_WORKERS", "4",
                        "NOMMER_SCALING_GPU_BIG_SLOTS_PER_WORKER", "2"));

        assertThat(c.scaling())
                .containsExactly(Map.entry(
                        "gpu-big",
                        new ScalingPolicy("local", 0, 4, 2, Duration.ofSeconds(30), Duration.ofSeconds(300))));
        assertThat(ConfigLoader.load(Map.of(), Map.of()).scaling()).isEmpty();
    }

    @Test
    void scaling_badSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> ConfigLoader.load(
                        Map.of("scaling", "a", "scaling.a.provider", "local", "scaling.b.max_workers", "2"), Map.of()))
                .hasMessageContaining("scaling.b.max_workers")
                .hasMessageContaining("names a cloud that setting scaling does not list");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("scaling", "a", "scaling.a.provider", "local"), Map.of()))
                .hasMessageContaining("needs scaling.a.max_workers");
        assertThatThrownBy(() -> ConfigLoader.load(
                        Map.of(
                                "scaling",
                                "a",
                                "scaling.a.provider",
                                "local",
                                "scaling.a.max_workers",
                                "2",
                                "scaling.a.min_workers",
                                "3"),
                        Map.of()))
                .hasMessageContaining("scaling.a: min_workers and max_workers");
    }

    @Test
    void workerIdAndProviderSettings_areReadAsGiven_andCheckedForShape() {
        ServerConfig c = ConfigLoader.load(
                Map.of("worker-id", "nommer-worker-default-7f3k2"),
                Map.of("NOMMER_EC2_AUTO_SCALING_GROUP", "farm-{cloud}", "NOMMER_KUBERNETES_NAMESPACE", " "));
        assertThat(c.workerId()).isEqualTo("nommer-worker-default-7f3k2");
        assertThat(c.providerSettings()).containsExactly(Map.entry("ec2_auto_scaling_group", "farm-{cloud}"));
        assertThat(ConfigLoader.load(Map.of(), Map.of()).workerId()).isNull();
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("worker_id", "a b"), Map.of()))
                .hasMessageContaining("worker_id must be");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("ec2_groups", "x"), Map.of()))
                .hasMessageContaining("unknown setting 'ec2_groups'")
                .hasMessageContaining("ec2_auto_scaling_group");
    }

    @Test
    void stacks_badSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> ConfigLoader.load(
                        Map.of("stacks", "a", "stacks.a.ffmpeg", "/usr/bin/ffmpeg", "stacks.b.version", "5.1"),
                        Map.of()))
                .hasMessageContaining("stacks.b.version")
                .hasMessageContaining("names a stack that setting stacks does not list");
        assertThatThrownBy(
                        () -> ConfigLoader.load(Map.of("stacks", "a", "stacks.a.ffmpeg", "/usr/bin/ffmpeg"), Map.of()))
                .hasMessageContaining("stacks.a.version must be set");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("stacks", "a", "stacks.a.version", "5.1"), Map.of()))
                .hasMessageContaining("stacks.a.ffmpeg must be set");
        assertThatThrownBy(() -> ConfigLoader.load(
                        Map.of(
                                "stacks",
                                "a",
                                "stacks.a.ffmpeg",
                                "/usr/bin/ffmpeg",
                                "stacks.a.version",
                                "5.1",
                                "default_stack",
                                "b"),
                        Map.of()))
                .hasMessageContaining("default_stack 'b' is not one of the stacks [a]");
        assertThatThrownBy(() -> ConfigLoader.load(
                        Map.of(
                                "stacks",
                                "a",
                                "stacks.a.ffmpeg",
                                "/usr/bin/ffmpeg",
                                "stacks.a.version",
                                "5.1",
                                "ffmpeg",
                                "/usr/bin/ffmpeg"),
                        Map.of()))
                .hasMessageContaining("with stacks, set stacks.NAME.ffmpeg");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("stacks", "Big Stack"), Map.of()))
                .hasMessageContaining("stack names are 1-64 of a-z");
        assertThatThrownBy(() -> ConfigLoader.load(
                        Map.of(
                                "stacks",
                                "a-1,a.1",
                                "stacks.a-1.ffmpeg",
                                "/usr/bin/ffmpeg",
                                "stacks.a-1.version",
                                "5.1"),
                        Map.of()))
                .hasMessageContaining("'a.1' is listed twice");
    }
}
