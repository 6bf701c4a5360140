package io.nommer.server.scaling.ec2;

import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;

/**
 * The Auto Scaling calls nommer makes, with every failure (throttling after the SDK's retries, access denied, an
 * unknown group, an unreachable endpoint) as an {@link IllegalStateException} carrying AWS's code and message, which
 * the scaler records in the cloud's status and a worker logs.
 */
final class AutoScaling implements AutoCloseable {
    private final AutoScalingClient client;

    AutoScaling(AutoScalingClient client) {
        this.client = client;
    }

    /** The group named {@code name}, with its sizes and instances. */
    AutoScalingGroup group(String name) {
        var groups = call(
                "DescribeAutoScalingGroups for " + name,
                () -> client.describeAutoScalingGroups(r -> r.autoScalingGroupNames(name))
                        .autoScalingGroups());
        return groups.stream()
                .filter(g -> g.autoScalingGroupName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("there is no Auto Scaling group named " + name
                        + " in this account and region (ec2_auto_scaling_group, ec2_region)"));
    }

    /** Sets the group's desired capacity at once, whatever the group's own cooldown (the scaler has its own). */
    void setDesiredCapacity(String group, int desired) {
        call(
                "SetDesiredCapacity " + desired + " for " + group,
                () -> client.setDesiredCapacity(r ->
                        r.autoScalingGroupName(group).desiredCapacity(desired).honorCooldown(false)));
    }

    /**
     * Terminates an instance of a group and lowers the group's desired capacity by one, so that the group shrinks
     * rather than launching a replacement. AWS refuses it when the group is at its MinSize.
     */
    void terminate(String instanceId) {
        call(
                "TerminateInstanceInAutoScalingGroup for " + instanceId,
                () -> client.terminateInstanceInAutoScalingGroup(
                        r -> r.instanceId(instanceId).shouldDecrementDesiredCapacity(true)));
    }

    private static <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (AwsServiceException e) {
            var details = e.awsErrorDetails();
            throw new IllegalStateException(
                    "Auto Scaling refused " + what + ": "
                            + (details == null ? e.getMessage() : details.errorCode() + ": " + details.errorMessage()),
                    e);
        } catch (SdkException e) {
            throw new IllegalStateException(
                    "Auto Scaling " + what + " failed (ec2_region, ec2_endpoint): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
