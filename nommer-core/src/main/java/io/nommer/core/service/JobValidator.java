package io.nommer.core.service;

import static io.nommer.core.profile.Profile.RENDITIONS;
import static io.nommer.core.profile.Profile.STACK;
import static io.nommer.core.profile.Profile.WATERMARK_URL;

import io.nommer.core.auth.Principal;
import io.nommer.core.fleet.Cloud;
import io.nommer.core.fleet.FleetRegistry;
import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.net.NetworkPolicy;
import io.nommer.core.profile.Priority;
import io.nommer.core.profile.Profile;
import io.nommer.core.stack.StackCatalog;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.OutputPublisher;
import io.nommer.core.storage.UploadOwners;
import io.nommer.core.util.Ids;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a job request into a job ready to store, or refuses it naming the first unacceptable field: every output's
 * profile resolved and checked, the input and destinations acceptable, the cloud existing, and how a ladder will run
 * chosen. One instance checks one submission, so that a bulk submit looks up each profile, cloud, input and
 * destination once however many jobs name it.
 */
final class JobValidator {
    static final int MAX_OUTPUTS = 32;
    static final int DEFAULT_MAX_ATTEMPTS = 3;
    /**
     * Machines with idle workers from which a ladder is spread over workers, one task per rendition: one decode
     * feeding every rendition needs about half the CPU of one decode per rendition (BENCHMARKS.md), so spreading
     * finishes sooner only when the work lands on at least three machines.
     */
    static final int SPLIT_FROM_MACHINES = 3;

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern NOT_IN_NAME = Pattern.compile("[^a-z0-9._-]");
    private static final int MAX_URI_LENGTH = 4096;

    private final FleetRegistry fleet;
    private final ProfileResolver profiles;
    private final InputFetcher inputs;
    private final OutputPublisher outputs;
    private final Ids ids;
    private final boolean allowPrivateNetworks;
    private final UploadOwners uploadOwners;
    private final Principal principal;
    private final StackCatalog stacks;
    /** The stacks live workers report, read once per submission when a profile names one not configured here. */
    private Set<String> liveStacks;

    private final Map<String, Optional<Profile>> bases = new HashMap<>();
    private final Map<String, Boolean> clouds = new HashMap<>();
    private final Map<String, Integer> machines = new HashMap<>();
    private final Map<URI, Optional<String>> inputProblems = new HashMap<>();
    private final Map<URI, Optional<String>> destinationProblems = new HashMap<>();

    /**
     * @param allowPrivateNetworks whether notify URLs may name loopback, private and similar addresses
     * @param uploadOwners who stored each upload, or null when uploads are not owned (no check)
     * @param principal who submits: the jobs are its tenant's, and it may name only its tenant's uploads
     * @param stacks the configured stacks and the default, which outputs are pinned to
     */
    JobValidator(
            FleetRegistry fleet,
            ProfileResolver profiles,
            InputFetcher inputs,
            OutputPublisher outputs,
            Ids ids,
            boolean allowPrivateNetworks,
            UploadOwners uploadOwners,
            Principal principal,
            StackCatalog stacks) {
        this.stacks = stacks;
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.fleet = fleet;
        this.profiles = profiles;
        this.inputs = inputs;
        this.outputs = outputs;
        this.ids = ids;
        this.uploadOwners = uploadOwners;
        this.principal = principal;
    }

    /**
     * @param prefix for a job of a bulk submit, {@code jobs[i].}: its field paths and messages start with it
     * @throws ValidationException naming the first unacceptable field
     */
    NewJob validate(JobRequest request, String prefix, String ownerToken) {
        try {
            return validate(request, ownerToken);
        } catch (ValidationException e) {
            if (prefix.isEmpty()) {
                throw e;
            }
            String job = prefix.substring(0, prefix.length() - 1);
            throw new ValidationException(
                    e.code(), e.field() == null ? job : prefix + e.field(), job + ": " + e.getMessage());
        }
    }

    private NewJob validate(JobRequest request, String ownerToken) {
        String input = requireText(request.input(), "input");
        URI inputUri = parseUri(input, "input");
        inputProblem(inputUri).ifPresent(why -> {
            throw new ValidationException("invalid_input", "input", why);
        });
        if (request.outputs() == null || request.outputs().isEmpty()) {
            throw new ValidationException("invalid_request", "outputs", "outputs must list at least one output");
        }
        if (request.outputs().size() > MAX_OUTPUTS) {
            throw new ValidationException(
                    "invalid_request",
                    "outputs",
                    "a job may have at most " + MAX_OUTPUTS + " outputs, not "
                            + request.outputs().size());
        }
        Priority priority = parsePriority(request.priority());
        List<OutputSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < request.outputs().size(); i++) {
            specs.add(output(request.outputs().get(i), "outputs[" + i + "]", names));
        }
        String notifyUrl = request.notifyUrl();
        if (notifyUrl != null) {
            checkNotifyUrl(notifyUrl);
            notifyUrl = request.notifyFormat().stored(notifyUrl);
        }
        String key = request.idempotencyKey();
        if (key != null && (key.isBlank() || key.length() > 255)) {
            throw new ValidationException(
                    "invalid_request", "Idempotency-Key", "Idempotency-Key must be 1-255 characters");
        }
        if (key != null) {
            key = storedKey(principal, key);
        }
        String cloud = request.cloud() == null ? Cloud.DEFAULT : request.cloud();
        if (!Cloud.validName(cloud) || !cloudExists(cloud)) {
            throw new ValidationException(
                    "unknown_cloud", "cloud", "no cloud named '" + cloud + "'; see GET /v1/clouds");
        }
        List<String> plan = new ArrayList<>(request.notes());
        plan.addAll(planLadders(specs, cloud));
        return new NewJob(
                ids.next("job"),
                input,
                specs,
                priority,
                request.metadata(),
                notifyUrl,
                key,
                DEFAULT_MAX_ATTEMPTS,
                cloud,
                plan,
                OwnerTokens.hash(ownerToken),
                principal.tenant(),
                key == null ? null : request.requestHash());
    }

    /**
     * Refuses what is plainly not a webhook target this service will call. Host names are judged again, resolved, at
     * every delivery (DNS answers change): that is the real guard; this only refuses the obvious early.
     */
    private void checkNotifyUrl(String notifyUrl) {
        URI u = parseUri(notifyUrl, "notify_url");
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
            throw new ValidationException("invalid_notify_url", "notify_url", "notify_url must be an http(s) URL");
        }
        if (u.getRawUserInfo() != null) {
            throw new ValidationException(
                    "invalid_notify_url",
                    "notify_url",
                    "notify_url must not carry credentials (user:password@); webhooks are signed instead");
        }
        if (!allowPrivateNetworks) {
            NetworkPolicy.literalRefusal(u.getHost()).ifPresent(why -> {
                throw new ValidationException(
                        "invalid_notify_url",
                        "notify_url",
                        "notify_url names " + why + ", and this service does not send webhooks to private networks"
                                + " (allow_private_networks)");
            });
        }
    }

    private OutputSpec output(JobRequest.OutputRequest o, String path, Set<String> names) {
        if (o == null) {
            throw new ValidationException("invalid_request", path, path + " must be an object");
        }
        String preset = requireText(o.preset(), path + ".preset");
        Profile profile = o.commandProfile() != null
                ? ProfileResolver.serverCommand(o.commandProfile(), path)
                : ProfileResolver.resolve(
                        bases.computeIfAbsent(preset, name -> profiles.base(principal.tenant(), name)),
                        preset,
                        o.overrides(),
                        path);
        profile = pinStack(profile, path);
        if (profile.has(WATERMARK_URL)) {
            // why: the worker fetches the watermark like the input, so it must pass the input's checks (an upload
            // that exists, a file under the input roots, an allowed address); refused now rather than failing later
            inputProblem(URI.create(profile.get(WATERMARK_URL))).ifPresent(why -> {
                throw new ValidationException(
                        "invalid_input", path + ".watermark_url", "watermark_url cannot be used: " + why);
            });
        }
        String name = o.name() != null ? o.name() : uniqueName(preset, names);
        if (!NAME.matcher(name).matches()) {
            throw new ValidationException(
                    "invalid_request",
                    path + ".name",
                    "output names are 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit, not '" + name
                            + "'");
        }
        if (!names.add(name)) {
            throw new ValidationException(
                    "invalid_request", path + ".name", "output name '" + name + "' is used twice");
        }
        String destination = o.destination();
        if (destination != null) {
            URI folder = parseUri(destination, path + ".destination");
            if (!destination.endsWith("/")) {
                throw new ValidationException(
                        "invalid_destination",
                        path + ".destination",
                        "destination must be a folder URI ending in '/', e.g. file:///srv/media/out/");
            }
            destinationProblem(folder).ifPresent(why -> {
                throw new ValidationException("invalid_destination", path + ".destination", why);
            });
            destination = canonical(folder);
        }
        return new OutputSpec(name, preset, profile, destination);
    }

    /**
     * The profile pinned to the stack it runs on: the one it names, or the default (unpinned when there is none).
     * why: resolved now, so that a later change of the default does not move a queued output to other tools.
     */
    private Profile pinStack(Profile profile, String path) {
        String requested = profile.get(STACK);
        String stack;
        try {
            stack = requested == null || stacks.find(requested).isPresent()
                    ? stacks.resolve(requested, Set.of())
                    : stacks.resolve(requested, live());
        } catch (IllegalArgumentException e) {
            throw new ValidationException("unknown_stack", path + ".stack", e.getMessage());
        }
        return stack == null || stack.equals(requested) ? profile : profile.with(STACK, stack);
    }

    private Set<String> live() {
        if (liveStacks == null) {
            liveStacks = new HashSet<>();
            fleet.listWorkers(Duration.ofMinutes(1)).forEach(w -> w.stacks().forEach(st -> liveStacks.add(st.name())));
        }
        return liveStacks;
    }

    /**
     * Chooses how each ladder runs (see {@link #SPLIT_FROM_MACHINES}), replacing the output's spec when it is spread
     * over workers, and answers the reasons for the timeline.
     */
    private List<String> planLadders(List<OutputSpec> specs, String cloud) {
        List<String> plan = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            OutputSpec o = specs.get(i);
            int renditions = o.profile().isStreaming() && o.profile().get(RENDITIONS) != null
                    ? o.profile().get(RENDITIONS)
                    : 1;
            if (renditions < 2) {
                continue;
            }
            int idle = idleMachines(cloud);
            if (idle >= SPLIT_FROM_MACHINES) {
                specs.set(i, new OutputSpec(o.name(), o.preset(), o.profile(), o.destination(), renditions));
                plan.add(String.format(
                        Locale.ROOT,
                        "output %s: %d renditions as separate tasks, then packaging: %d "
                                + "machines have idle workers in cloud %s, and one decode per rendition spread over them "
                                + "finishes sooner than one decode on one machine",
                        o.name(),
                        renditions,
                        idle,
                        cloud));
            } else {
                plan.add(String.format(
                        Locale.ROOT,
                        "output %s: %d renditions from one decode in one task: %d "
                                + "machine(s) have idle workers in cloud %s, and spreading renditions pays from %d (one decode "
                                + "does the ladder in about half the CPU time of one decode per rendition)",
                        o.name(),
                        renditions,
                        idle,
                        cloud,
                        SPLIT_FROM_MACHINES));
            }
        }
        return plan;
    }

    /** Distinct hosts with a worker of {@code cloud} that reported in the last minute with a free slot. */
    private int idleMachines(String cloud) {
        return machines.computeIfAbsent(cloud, c -> (int) fleet.listWorkers(Duration.ofMinutes(1)).stream()
                .filter(w -> w.clouds().contains(c) && w.active() < w.slots())
                .map(w -> w.host() == null ? w.id() : w.host())
                .distinct()
                .count());
    }

    /** Each distinct input checked once (a bulk submit often names one input many times): why it is refused. */
    private Optional<String> inputProblem(URI input) {
        return inputProblems.computeIfAbsent(
                input,
                u -> problem(() -> {
                    inputs.checkAcceptable(u);
                    if ("upload".equals(u.getScheme()) && uploadOwners != null) {
                        String owner =
                                uploadOwners.owner(u.getSchemeSpecificPart()).orElse(Principal.DEFAULT_TENANT);
                        if (!principal.sees(owner)) {
                            // why: worded as for an upload that does not exist, which is what it is to this tenant
                            throw new IllegalArgumentException("the input " + u + " does not exist or is not a file");
                        }
                    }
                }));
    }

    /**
     * One spelling per folder, so that the store's check for two jobs publishing into one place compares like with
     * like: {@code file:/srv/out/}, {@code file:///srv//out/} and {@code file:///srv/./out/} are all
     * {@code file:///srv/out/}. Other schemes (s3) are kept as given, normalized.
     */
    static String canonical(URI folder) {
        if ("file".equalsIgnoreCase(folder.getScheme())) {
            String uri = java.nio.file.Path.of(folder).normalize().toUri().toString();
            return uri.endsWith("/") ? uri : uri + "/";
        }
        return folder.normalize().toString();
    }

    /** Each distinct destination folder checked once: why it is refused. */
    private Optional<String> destinationProblem(URI folder) {
        return destinationProblems.computeIfAbsent(folder, u -> problem(() -> outputs.checkWritable(u)));
    }

    private static Optional<String> problem(Runnable check) {
        try {
            check.run();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** An idempotency key as stored: the tenant's own, so another tenant's request with it cannot answer its job. */
    static String storedKey(Principal principal, String key) {
        return principal.tenant() + ":" + key;
    }

    private boolean cloudExists(String name) {
        // the default cloud always exists and cannot be deleted
        return Cloud.DEFAULT.equals(name)
                || clouds.computeIfAbsent(name, n -> fleet.findCloud(n).isPresent());
    }

    private static String uniqueName(String preset, Set<String> taken) {
        String base = NOT_IN_NAME.matcher(preset.toLowerCase(Locale.ROOT)).replaceAll("-");
        if (!taken.contains(base)) {
            return base;
        }
        for (int n = 2; ; n++) {
            if (!taken.contains(base + "-" + n)) {
                return base + "-" + n;
            }
        }
    }

    private static Priority parsePriority(String value) {
        if (value == null) {
            return Priority.NORMAL;
        }
        try {
            return Priority.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("invalid_request", "priority", e.getMessage());
        }
    }

    private static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new ValidationException("invalid_request", field, field + " is required");
        }
        return value;
    }

    private static URI parseUri(String value, String field) {
        if (value.length() > MAX_URI_LENGTH) {
            throw new ValidationException(
                    "invalid_request", field, field + " is longer than " + MAX_URI_LENGTH + " characters");
        }
        try {
            URI u = new URI(value);
            if (u.getScheme() == null) {
                throw new ValidationException(
                        "invalid_request", field, field + " must be an absolute URI, not '" + value + "'");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ValidationException("invalid_request", field, field + " is not a valid URI: " + e.getReason());
        }
    }
}
