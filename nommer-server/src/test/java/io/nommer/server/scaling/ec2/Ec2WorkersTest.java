package io.nommer.server.scaling.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.server.config.ConfigLoader;
import io.nommer.server.config.ServerConfig;
import io.nommer.store.SettableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code ec2} provider against {@link RecordingAws}, which records its Auto Scaling requests (no AWS here). */
class Ec2WorkersTest {
    private static final ScalingPolicy POLICY =
            new ScalingPolicy("ec2", 0, 20, 2, Duration.ofSeconds(30), Duration.ofMinutes(5));

    RecordingAws aws;
    SettableClock clock = new SettableClock();
    Ec2Workers ec2;

    @BeforeEach
    void start() throws Exception {
        aws = RecordingAws.start();
        ec2 = new Ec2Workers(settings(Map.of("ec2_auto_scaling_group", "farm-{cloud}")), clock);
    }

    @AfterEach
    void stop() {
        ec2.close();
        aws.close();
    }

    private Ec2Settings settings(Map<String, String> more) {
        Map<String, String> s = new java.util.HashMap<>(Map.of("ec2_region", "eu-west-1", "ec2_endpoint", aws.url()));
        s.putAll(more);
        return Ec2Settings.of(ConfigLoader.load(s, Map.of()).providerSettings());
    }

    @Test
    void start_raisesTheGroupsDesiredCapacity_withoutItsCooldown() {
        aws.group("farm-default", 0, 10, 2, "i-0aa:InService", "i-0bb:InService");

        ec2.start("default", POLICY, 3, false);

        assertThat(aws.requests("DescribeAutoScalingGroups").getFirst().form())
                .containsEntry("AutoScalingGroupNames.member.1", "farm-default");
        assertThat(aws.requests("SetDesiredCapacity"))
                .singleElement()
                .extracting(RecordingAws.Request::form)
                .satisfies(form -> assertThat(form)
                        .containsEntry("AutoScalingGroupName", "farm-default")
                        .containsEntry("DesiredCapacity", "5")
                        .containsEntry("HonorCooldown", "false"));
    }

    @Test
    void start_isCappedAtTheGroupsMaxSize_andSaysSo() {
        aws.group("farm-default", 0, 10, 8);

        assertThatThrownBy(() -> ec2.start("default", POLICY, 5, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("from 8 to 10 only, its MaxSize, not by 5");
        assertThat(aws.requests("SetDesiredCapacity").getFirst().form()).containsEntry("DesiredCapacity", "10");

        aws.group("farm-default", 0, 10, 10);
        assertThatThrownBy(() -> ec2.start("default", POLICY, 1, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "Auto Scaling group farm-default is at its MaxSize (10): raise MaxSize or lower max_workers");
        assertThat(aws.requests("SetDesiredCapacity"))
                .as("nothing more asked at MaxSize")
                .hasSize(1);
    }

    @Test
    void alive_isThePendingAndInServiceInstances_plusCapacityRequestedAndNotYetLaunched() {
        aws.group(
                "farm-gpu",
                0,
                10,
                6,
                "i-0aa:Pending",
                "i-0bb:Pending:Wait",
                "i-0cc:InService",
                "i-0dd:Terminating",
                "i-0ee:Standby");

        assertThat(ec2.alive("gpu"))
                .containsExactlyInAnyOrder(
                        "i-0aa",
                        "i-0bb",
                        "i-0cc",
                        "farm-gpu#requested-1",
                        "farm-gpu#requested-2",
                        "farm-gpu#requested-3");

        aws.group("farm-gpu", 0, 10, 2, "i-0aa:InService", "i-0cc:InService", "i-0dd:Terminating");
        assertThat(ec2.alive("gpu")).containsExactlyInAnyOrder("i-0aa", "i-0cc");
    }

    @Test
    void exited_isTheInstancesSeenLeavingTheGroup_forAMinute() {
        aws.group("farm-default", 0, 10, 3, "i-0aa:InService", "i-0bb:InService", "i-0cc:InService");
        ec2.alive("default");
        assertThat(ec2.exited("default")).isEmpty();

        aws.group("farm-default", 0, 10, 1, "i-0aa:Terminating:Wait", "i-0cc:InService");
        clock.tick(Duration.ofSeconds(5));
        assertThat(ec2.alive("default")).containsExactly("i-0cc");
        assertThat(ec2.exited("default")).containsExactlyInAnyOrder("i-0aa", "i-0bb");

        clock.tick(io.nommer.server.scaling.ExitedWorkers.REMEMBER.plusSeconds(1));
        ec2.alive("default");
        assertThat(ec2.exited("default")).isEmpty();
    }

    @Test
    void stop_terminatesTheInstance_andLowersTheDesiredCapacity() {
        aws.group("farm-default", 0, 10, 3, "i-0aa:InService", "i-0bb:InService");
        ec2.alive("default");

        assertThat(ec2.stop("i-0aa")).isTrue();
        assertThat(ec2.stop("farm-default#requested-1"))
                .as("capacity still launching")
                .isFalse();
        assertThat(ec2.stop("i-0ff")).as("no instance of its groups").isFalse();

        assertThat(aws.requests("TerminateInstanceInAutoScalingGroup"))
                .singleElement()
                .extracting(RecordingAws.Request::form)
                .satisfies(form -> assertThat(form)
                        .containsEntry("InstanceId", "i-0aa")
                        .containsEntry("ShouldDecrementDesiredCapacity", "true"));
    }

    @Test
    void awsRefusals_areIllegalStateExceptions_withAwsCodeAndMessage() {
        assertThatThrownBy(() -> ec2.alive("default"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("there is no Auto Scaling group named farm-default");

        aws.refuse(
                "DescribeAutoScalingGroups",
                403,
                "AccessDenied",
                "User: arn:aws:sts::123456789012:assumed-role/nommer/i-0aa is not authorized to perform:"
                        + " autoscaling:DescribeAutoScalingGroups");
        assertThatThrownBy(() -> ec2.start("default", POLICY, 1, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Auto Scaling refused DescribeAutoScalingGroups for farm-default: AccessDenied:"
                        + " User: arn:aws:sts::123456789012:assumed-role/nommer/i-0aa is not authorized");

        aws.group("farm-default", 1, 10, 1, "i-0aa:InService");
        aws.refuse("SetDesiredCapacity", 400, "Throttling", "Rate exceeded");
        assertThatThrownBy(() -> ec2.start("default", POLICY, 1, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Throttling: Rate exceeded");

        ec2.alive("default");
        aws.refuseTerminationAtMinSize();
        assertThatThrownBy(() -> ec2.stop("i-0aa"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ValidationError: Currently, desiredSize equals minSize (1)");
    }

    @Test
    void forServe_onlyWithAGroupOrARegion_andBadSettingsAreRefusedByName() {
        assertThat(Ec2Workers.forServe(ConfigLoader.load(Map.of(), Map.of()))).isEmpty();
        ServerConfig region = ConfigLoader.load(Map.of("ec2_region", "eu-west-1"), Map.of());
        Ec2Workers provider = Ec2Workers.forServe(region).orElseThrow();
        provider.close();
        assertThat(provider.name()).isEqualTo("ec2");
        assertThat(Ec2Settings.of(region.providerSettings()).group("default")).isEqualTo("nommer-workers-default");

        assertThatThrownBy(() -> Ec2Workers.forServe(
                        ConfigLoader.load(Map.of("ec2_region", "eu-west-1", "ec2_endpoint", "vpce-0a1b"), Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ec2_endpoint must be an http(s) URL");
        assertThatThrownBy(() -> settings(Map.of("ec2_terminate_when_idle", "yes")))
                .hasMessageContaining("ec2_terminate_when_idle must be true or false, not 'yes'");
        assertThatThrownBy(() -> settings(Map.of("ec2_region", "EU West")))
                .hasMessageContaining("ec2_region must be an AWS region");
    }
}
