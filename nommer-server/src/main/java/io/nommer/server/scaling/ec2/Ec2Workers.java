package io.nommer.server.scaling.ec2;

import io.nommer.core.fleet.ScalingPolicy;
import io.nommer.core.scaling.WorkerProvider;
import io.nommer.server.config.ServerConfig;
import io.nommer.server.scaling.ExitedWorkers;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;

/**
 * The {@code ec2} provider: each cloud's workers are the instances of an EC2 Auto Scaling group
 * ({@code ec2_auto_scaling_group}, default {@code nommer-workers-{cloud}}), whose launch template starts
 * {@code nommer worker} on boot (see {@code deploy/ec2/user-data.sh}). The scaler grows a group by raising its desired
 * capacity; the group shrinks because its idle workers terminate their own instances, lowering the desired capacity
 * as they go ({@code ec2_terminate_when_idle}), so that the group never picks a busy instance to kill.
 *
 * <p>A worker there reports itself by its instance id, which is how the scaler matches a worker's reports to an
 * instance. Capacity the group was asked for and has not listed as an instance yet counts as workers starting (one
 * id {@code GROUP#requested-N} each): a launch takes minutes, longer than a scale-up cooldown, and the scaler would
 * otherwise ask again for the same workers. If the group cannot launch (no capacity, a broken launch template), that
 * capacity stays counted and the group's activity history says why.
 *
 * <p>What a policy cannot set per instance here: whether a worker exits when idle, and after how long, come from the
 * launch template's user-data, the same for every instance of the group, not from {@code exit_when_idle_seconds}; and
 * the workers kept running without work are the group's MinSize (AWS refuses to terminate below it), so a policy's
 * {@code min_workers} should equal the group's MinSize and its {@code max_workers} be at most the MaxSize.
 */
public final class Ec2Workers implements WorkerProvider {
    private static final Logger log = LoggerFactory.getLogger(Ec2Workers.class);

    private final Ec2Settings settings;
    private final AutoScaling autoScaling;
    private final InstantSource clock;
    /** Per cloud, the instances last seen pending or in service. */
    private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();

    private final ExitedWorkers exited = new ExitedWorkers();

    Ec2Workers(Ec2Settings settings, InstantSource clock) {
        this.settings = settings;
        this.autoScaling = new AutoScaling(settings.client());
        this.clock = clock;
    }

    /**
     * The provider for {@code nommer serve}, when {@code ec2_auto_scaling_group} or {@code ec2_region} is set (an
     * orchestrator that does not scale on EC2 needs neither, and makes no AWS client).
     *
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public static Optional<Ec2Workers> forServe(ServerConfig config) {
        Map<String, String> s = config.providerSettings();
        if (!s.containsKey("ec2_auto_scaling_group") && !s.containsKey("ec2_region")) {
            return Optional.empty();
        }
        return Optional.of(new Ec2Workers(Ec2Settings.of(s), InstantSource.system()));
    }

    @Override
    public String name() {
        return "ec2";
    }

    @Override
    public Set<String> alive(String cloud) {
        String name = settings.group(cloud);
        AutoScalingGroup group = autoScaling.group(name);
        Set<String> alive = new TreeSet<>();
        Map<String, String> states = new HashMap<>();
        for (Instance i : group.instances()) {
            states.put(i.instanceId(), i.lifecycleStateAsString());
            if (isAlive(i.lifecycleStateAsString())) {
                alive.add(i.instanceId());
            }
        }
        Instant now = clock.instant();
        for (String id : seen.getOrDefault(cloud, Set.of())) {
            String state = states.get(id);
            if (state == null || state.startsWith("Terminat")) { // Terminating, Terminating:Wait/Proceed, Terminated
                exited.exited(cloud, id, now);
            }
        }
        exited.alive(cloud, alive);
        exited.expire(cloud, now);
        seen.put(cloud, Set.copyOf(alive));
        Set<String> counted = new TreeSet<>(alive);
        for (int n = 1; n <= group.desiredCapacity() - alive.size(); n++) {
            counted.add(name + "#requested-" + n);
        }
        return counted;
    }

    private static boolean isAlive(String state) {
        return state.startsWith("Pending") || state.equals("InService");
    }

    @Override
    public Set<String> exited(String cloud) {
        return exited.of(cloud);
    }

    /**
     * Raises the group's desired capacity by {@code count}, at most to its MaxSize.
     *
     * @param permanent not passed to the instance (see the class's comment): warns when the group's MinSize is below
     *     the policy's {@code min_workers}, as those workers would then terminate themselves when idle
     * @throws IllegalStateException when AWS refuses, or when the group's MaxSize allowed fewer than {@code count}
     *     (after raising it as far as it goes)
     */
    @Override
    public void start(String cloud, ScalingPolicy policy, int count, boolean permanent) {
        String name = settings.group(cloud);
        AutoScalingGroup group = autoScaling.group(name);
        int desired = group.desiredCapacity();
        int target = Math.min(desired + count, group.maxSize());
        if (permanent && group.minSize() < policy.minWorkers()) {
            log.warn(
                    "cloud {}: min_workers ({}) is above Auto Scaling group {}'s MinSize ({}); its workers above"
                            + " MinSize terminate themselves when idle, so set MinSize to min_workers",
                    cloud,
                    policy.minWorkers(),
                    name,
                    group.minSize());
        }
        if (target <= desired) {
            throw new IllegalStateException("Auto Scaling group " + name + " is at its MaxSize (" + group.maxSize()
                    + "): raise MaxSize or lower max_workers");
        }
        autoScaling.setDesiredCapacity(name, target);
        log.info(
                "cloud {}: raised Auto Scaling group {}'s desired capacity from {} to {}",
                cloud,
                name,
                desired,
                target);
        if (target < desired + count) {
            throw new IllegalStateException("raised Auto Scaling group " + name + "'s desired capacity from " + desired
                    + " to " + target + " only, its MaxSize, not by " + count + ": raise MaxSize or lower max_workers");
        }
    }

    /**
     * Terminates the instance and lowers its group's desired capacity by one; false for an id that is no instance of
     * its groups (capacity still being launched has no instance to stop).
     *
     * @throws IllegalStateException when AWS refuses (below the group's MinSize, for one)
     */
    @Override
    public boolean stop(String workerId) {
        if (seen.values().stream().noneMatch(ids -> ids.contains(workerId))) {
            return false;
        }
        autoScaling.terminate(workerId);
        log.info("terminated idle instance {} through its Auto Scaling group", workerId);
        return true;
    }

    @Override
    public void close() {
        autoScaling.close();
    }
}
