package io.nommer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServiceSettingsTest {
    @Test
    void everyServerSetting_hasHelp() {
        assertThat(ServiceSettings.undescribed())
                .as("settings of ConfigLoader.SETTINGS without help text in ServiceSettings")
                .isEmpty();
    }

    private static Map<String, String> given(ServiceSettings.Use use, String... args) {
        CommandLine cl = new CommandLine(CommandLine.Model.CommandSpec.create());
        ServiceSettings.addTo(cl.getCommandSpec(), use);
        cl.parseArgs(args);
        return ServiceSettings.given(cl.getCommandSpec());
    }

    @Test
    void settings_areTakenWithDashesOrUnderscores_andFlagsAlone() {
        assertThat(given(
                        ServiceSettings.Use.SERVE,
                        "--lease_seconds",
                        "3",
                        "--s3-endpoint=http://s3",
                        "--allow-private-networks",
                        "--s3-path-style",
                        "false",
                        "--port",
                        "0"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "lease_seconds", "3",
                        "s3_endpoint", "http://s3",
                        "allow_private_networks", "true",
                        "s3_path_style", "false",
                        "port", "0"));
    }

    @Test
    void aWorkersSlots_areItsWorkersSetting() {
        assertThat(given(ServiceSettings.Use.WORKER, "--slots", "2")).isEqualTo(Map.of("workers", "2"));
        assertThat(given(ServiceSettings.Use.WORKER, "--workers", "3")).isEqualTo(Map.of("workers", "3"));
    }

    @Test
    void providerSettings_areOptionsToo() {
        assertThat(given(
                        ServiceSettings.Use.WORKER,
                        "--exit-when-idle",
                        "10m",
                        "--ec2-terminate-when-idle",
                        "--ec2-region",
                        "eu-west-1"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "exit_when_idle", "10m",
                        "ec2_terminate_when_idle", "true",
                        "ec2_region", "eu-west-1"));
        assertThat(given(
                        ServiceSettings.Use.SERVE,
                        "--kubernetes-worker-template",
                        "/etc/nommer/worker-job.yaml",
                        "--kubernetes_namespace",
                        "media"))
                .isEqualTo(Map.of(
                        "kubernetes_worker_template", "/etc/nommer/worker-job.yaml", "kubernetes_namespace", "media"));
    }
}
