package io.nommer.server.scaling.ec2;

import io.nommer.server.config.ServerConfig;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's last step on EC2 with {@code ec2_terminate_when_idle}: once it has exited for want of work, it
 * terminates its own instance through the Auto Scaling API, lowering the group's desired capacity, so that the group
 * shrinks by exactly the instance that had nothing to do (the group itself would pick any instance, busy or not).
 *
 * <p>The worker also reports itself by its instance id (unless {@code worker_id} is set), which is how the
 * orchestrator's {@code ec2} provider matches it to an instance.
 */
public final class Ec2IdleTermination {
    private static final Logger log = LoggerFactory.getLogger(Ec2IdleTermination.class);

    private final String instanceId;
    private final AutoScaling autoScaling;

    private Ec2IdleTermination(String instanceId, AutoScaling autoScaling) {
        this.instanceId = instanceId;
        this.autoScaling = autoScaling;
    }

    /**
     * Present when {@code ec2_terminate_when_idle} is true; it asks the instance metadata service for this instance's
     * id at once, so that a worker that is not where it thinks stops at start rather than after its first idle period.
     *
     * @throws IllegalArgumentException when it is true without {@code exit_when_idle}, an {@code ec2_*} setting is
     *     wrong, or the metadata service does not answer
     */
    public static Optional<Ec2IdleTermination> forWorker(ServerConfig config) {
        Ec2Settings settings = Ec2Settings.of(config.providerSettings());
        if (!settings.terminateWhenIdle()) {
            return Optional.empty();
        }
        if (config.exitWhenIdle() == null) {
            throw new IllegalArgumentException("ec2_terminate_when_idle needs exit_when_idle: the instance is"
                    + " terminated once its worker has had no work for that long");
        }
        AutoScaling autoScaling = new AutoScaling(settings.client());
        try {
            return Optional.of(new Ec2IdleTermination(
                    new InstanceMetadata(settings.metadataEndpoint()).instanceId(), autoScaling));
        } catch (IllegalStateException e) {
            autoScaling.close();
            throw new IllegalArgumentException("ec2_terminate_when_idle is true, but " + e.getMessage(), e);
        }
    }

    /** This instance's id, from the instance metadata service. */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Terminates this instance and lowers its group's desired capacity by one.
     *
     * @throws IllegalStateException with AWS's refusal, such as the group being at its MinSize
     */
    public void terminate() {
        log.info("terminating this instance, {}, through its Auto Scaling group (ec2_terminate_when_idle)", instanceId);
        try {
            autoScaling.terminate(instanceId);
        } finally {
            autoScaling.close();
        }
        log.info("instance {} is terminating; the group's desired capacity is one lower", instanceId);
    }
}
