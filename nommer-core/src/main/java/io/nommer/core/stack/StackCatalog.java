package io.nommer.core.stack;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The stacks this process was configured with ({@code stacks}) and the one profiles without a {@code stack} use
 * ({@code default_stack}). Submissions resolve each output's stack against it and against the stacks live workers
 * report.
 *
 * @param defaultStack null only in {@link #NONE}: then an output without a stack is not pinned to one
 */
public record StackCatalog(String defaultStack, List<Stack> configured) {
    /** No stacks known (tests, tools that submit nothing): outputs without a stack run on any worker. */
    public static final StackCatalog NONE = new StackCatalog(null, List.of());

    public StackCatalog {
        configured = List.copyOf(configured);
        if (defaultStack != null && find(configured, defaultStack).isEmpty()) {
            throw new IllegalArgumentException("default_stack '" + defaultStack + "' is not one of the stacks "
                    + configured.stream().map(Stack::name).toList());
        }
    }

    public Optional<Stack> find(String name) {
        return find(configured, name);
    }

    private static Optional<Stack> find(List<Stack> stacks, String name) {
        return stacks.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * The stack an output runs on: the one it names, or the default.
     *
     * @param live the names of the stacks live workers report
     * @return null when nothing names a stack and there is no default
     * @throws IllegalArgumentException when the named stack is neither configured here nor reported by a live worker
     */
    public String resolve(String requested, Collection<String> live) {
        if (requested == null) {
            return defaultStack;
        }
        Objects.requireNonNull(live, "live");
        if (find(requested).isPresent() || live.contains(requested)) {
            return requested;
        }
        throw new IllegalArgumentException("no stack named '" + requested + "': it is not configured here and no live "
                + "worker has it; see GET /v1/stacks");
    }
}
