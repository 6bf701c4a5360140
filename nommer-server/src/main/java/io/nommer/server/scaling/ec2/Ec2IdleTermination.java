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

    private final InstanceMetadata metadata;
    private final AutoScaling autoScaling;
    private String instanceId;

    private Ec2IdleTermination(Ec2Settings settings) {
        this.metadata = new InstanceMetadata(settings.metadataEndpoint());
        this.autoScaling = new AutoScaling(settings.client());
    }

    /**
     * Present when {@code ec2_terminate_when_idle} is true.
     *
     * @throws IllegalArgumentException when it is true without {@code exit_when_idle}, or an {@code ec2_*} setting is
     *     wrong
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
        return Optional.of(new Ec2IdleTermination(settings));
    }

    /**
     * This instance's id, asked of the instance metadata service once.
     *
     * @throws IllegalStateException when the metadata service does not answer
     */
    public synchronized String instanceId() {
        if (instanceId == null) {
            instanceId = metadata.instanceId();
        }
        return instanceId;
    }

    /**
     * Terminates this instance and lowers its group's desired capacity by one.
     *
     * @throws IllegalStateException with AWS's refusal, such as the group being at its MinSize
     */
    public void terminate() {
        String id = instanceId();
        log.info("terminating this instance, {}, through its Auto Scaling group (ec2_terminate_when_idle)", id);
        try {
            autoScaling.terminate(id);
        } finally {
            autoScaling.close();
        }
        log.info("instance {} is terminating; the group's desired capacity is one lower", id);
    }
}
