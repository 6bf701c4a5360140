package io.nommer.core.orchestrator;

import io.nommer.core.job.NewJob;
import io.nommer.core.job.OutputSpec;
import io.nommer.core.job.StoredProfile;
import io.nommer.core.profile.InvalidProfileException;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Priority;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileViolation;
import io.nommer.core.storage.InputFetcher;
import io.nommer.core.storage.OutputPublisher;
import io.nommer.core.store.Cloud;
import io.nommer.core.store.CreateResult;
import io.nommer.core.store.GroupCommit;
import io.nommer.core.store.QueueSignal;
import io.nommer.core.store.Store;
import io.nommer.core.util.Ids;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Accepts jobs and profiles: validates a request completely (every output's profile resolved and checked, the input
 * and destinations acceptable) before anything is stored, then stores the job with its tasks and wakes workers.
 */
public final class JobService {
    public static final int MAX_OUTPUTS = 32;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern NOT_IN_NAME = Pattern.compile("[^a-z0-9._-]");
    private static final int MAX_URI_LENGTH = 4096;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final Store store;
    private final InputFetcher inputs;
    private final OutputPublisher outputs;
    private final QueueSignal signal;
    private final Ids ids;
    /** Single submits that arrive together share a transaction (and its commit); see {@link GroupCommit}. */
    private final GroupCommit<NewJob, CreateResult> creates;

    public JobService(Store store, InputFetcher inputs, OutputPublisher outputs, QueueSignal signal, Ids ids) {
        this.store = store;
        this.inputs = inputs;
        this.outputs = outputs;
        this.signal = signal;
        this.ids = ids;
        this.creates = new GroupCommit<>(store::createJobs, store::createJob, MAX_BULK_JOBS);
    }

    public static final int MAX_BULK_JOBS = 1000;
    /**
     * Machines with idle workers from which a ladder is spread over workers, one task per rendition: one decode
     * feeding every rendition needs about half the CPU of one decode per rendition (BENCHMARKS.md), so spreading
     * finishes sooner only when the work lands on at least three machines.
     */
    static final int SPLIT_FROM_MACHINES = 3;

    /**
     * @throws ValidationException naming the first unacceptable field
     */
    public CreateResult submit(JobRequest request) {
        String token = ownerToken();
        CreateResult result = creates.write(validate(request, "", new Lookups(), token));
        // why: after the batch, not in it: the next batch need not wait for this round trip
        signal.signal();
        return result.withOwnerToken(token);
    }

    /**
     * Validates every request, then stores all the jobs in one transaction: either all are accepted or none is.
     *
     * @throws ValidationException naming the first unacceptable field, prefixed with {@code jobs[i].}
     */
    public List<CreateResult> submitAll(List<JobRequest> requests) {
        if (requests.isEmpty() || requests.size() > MAX_BULK_JOBS) {
            throw new ValidationException("invalid_request", "jobs",
                    "jobs must list 1 to " + MAX_BULK_JOBS + " jobs, not " + requests.size());
        }
        Lookups lookups = new Lookups();
        List<NewJob> jobs = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            tokens.add(ownerToken());
            jobs.add(validate(requests.get(i), "jobs[" + i + "].", lookups, tokens.get(i)));
        }
        List<CreateResult> stored = store.createJobs(jobs);
        signal.signal();
        List<CreateResult> results = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            results.add(stored.get(i).withOwnerToken(tokens.get(i)));
        }
        return results;
    }

    /** Profiles and clouds looked up once per submission, however many jobs name them. */
    private final class Lookups {
        final Map<String, Optional<Profile>> bases = new HashMap<>();
        final Map<String, Boolean> clouds = new HashMap<>();

        Optional<Profile> base(String name) {
            return bases.computeIfAbsent(name, JobService.this::findBase);
        }

        final Map<String, Integer> machines = new HashMap<>();

        /** Distinct hosts with a worker of {@code cloud} that reported in the last minute with a free slot. */
        int idleMachines(String cloud) {
            return machines.computeIfAbsent(cloud, c -> (int) store.listWorkers(Duration.ofMinutes(1)).stream()
                    .filter(w -> w.clouds().contains(c) && w.active() < w.slots())
                    .map(w -> w.host() == null ? w.id() : w.host()).distinct().count());
        }

        final Map<URI, Optional<String>> inputProblems = new HashMap<>();
        final Map<URI, Optional<String>> destinationProblems = new HashMap<>();

        /** Each distinct input checked once (a bulk submit often names one input many times): why it is refused. */
        Optional<String> inputProblem(URI input) {
            return inputProblems.computeIfAbsent(input, u -> problem(() -> inputs.checkAcceptable(u)));
        }

        /** Each distinct destination folder checked once: why it is refused. */
        Optional<String> destinationProblem(URI folder) {
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

        boolean cloudExists(String name) {
            // the default cloud always exists and cannot be deleted
            return Cloud.DEFAULT.equals(name) || clouds.computeIfAbsent(name, n -> store.findCloud(n).isPresent());
        }
    }

    private NewJob validate(JobRequest request, String prefix, Lookups lookups, String ownerToken) {
        try {
            return validate(request, lookups, ownerToken);
        } catch (ValidationException e) {
            if (prefix.isEmpty()) {
                throw e;
            }
            String job = prefix.substring(0, prefix.length() - 1);
            throw new ValidationException(e.code(), e.field() == null ? job : prefix + e.field(),
                    job + ": " + e.getMessage());
        }
    }

    private NewJob validate(JobRequest request, Lookups lookups, String ownerToken) {
        String input = requireText(request.input(), "input");
        URI inputUri = parseUri(input, "input");
        lookups.inputProblem(inputUri).ifPresent(why -> {
            throw new ValidationException("invalid_input", "input", why);
        });
        if (request.outputs() == null || request.outputs().isEmpty()) {
            throw new ValidationException("invalid_request", "outputs", "outputs must list at least one output");
        }
        if (request.outputs().size() > MAX_OUTPUTS) {
            throw new ValidationException("invalid_request", "outputs",
                    "a job may have at most " + MAX_OUTPUTS + " outputs, not " + request.outputs().size());
        }
        Priority priority = parsePriority(request.priority(), "priority");
        List<OutputSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < request.outputs().size(); i++) {
            JobRequest.OutputRequest o = request.outputs().get(i);
            String path = "outputs[" + i + "]";
            if (o == null) {
                throw new ValidationException("invalid_request", path, path + " must be an object");
            }
            String preset = requireText(o.preset(), path + ".preset");
            Profile profile = resolve(lookups.base(preset), preset, o.overrides(), path);
            String name = o.name() != null ? o.name() : uniqueName(preset, names);
            if (!NAME.matcher(name).matches()) {
                throw new ValidationException("invalid_request", path + ".name",
                        "output names are 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit, not '" + name + "'");
            }
            if (!names.add(name)) {
                throw new ValidationException("invalid_request", path + ".name", "output name '" + name + "' is used twice");
            }
            String destination = o.destination();
            if (destination != null) {
                URI folder = parseUri(destination, path + ".destination");
                if (!destination.endsWith("/")) {
                    throw new ValidationException("invalid_destination", path + ".destination",
                            "destination must be a folder URI ending in '/', e.g. file:///srv/media/out/");
                }
                lookups.destinationProblem(folder).ifPresent(why -> {
                    throw new ValidationException("invalid_destination", path + ".destination", why);
                });
            }
            specs.add(new OutputSpec(name, preset, profile, destination));
        }
        String notifyUrl = request.notifyUrl();
        if (notifyUrl != null) {
            URI u = parseUri(notifyUrl, "notify_url");
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new ValidationException("invalid_request", "notify_url", "notify_url must be an http(s) URL");
            }
        }
        String key = request.idempotencyKey();
        if (key != null && (key.isBlank() || key.length() > 255)) {
            throw new ValidationException("invalid_request", "Idempotency-Key", "Idempotency-Key must be 1-255 characters");
        }
        String cloud = request.cloud() == null ? Cloud.DEFAULT : request.cloud();
        if (!Cloud.validName(cloud) || !lookups.cloudExists(cloud)) {
            throw new ValidationException("unknown_cloud", "cloud", "no cloud named '" + cloud + "'; see GET /v1/clouds");
        }
        List<String> plan = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            OutputSpec o = specs.get(i);
            int renditions = o.profile().isStreaming() && o.profile().renditions() != null ? o.profile().renditions() : 1;
            if (renditions < 2) {
                continue;
            }
            int machines = lookups.idleMachines(cloud);
            if (machines >= SPLIT_FROM_MACHINES) {
                specs.set(i, new OutputSpec(o.name(), o.preset(), o.profile(), o.destination(), renditions));
                plan.add(String.format(Locale.ROOT, "output %s: %d renditions as separate tasks, then packaging: %d "
                        + "machines have idle workers in cloud %s, and one decode per rendition spread over them "
                        + "finishes sooner than one decode on one machine", o.name(), renditions, machines, cloud));
            } else {
                plan.add(String.format(Locale.ROOT, "output %s: %d renditions from one decode in one task: %d "
                        + "machine(s) have idle workers in cloud %s, and spreading renditions pays from %d (one decode "
                        + "does the ladder in about half the CPU time of one decode per rendition)", o.name(),
                        renditions, machines, cloud, SPLIT_FROM_MACHINES));
            }
        }
        return new NewJob(ids.next("job"), input, specs, priority, request.metadata(), notifyUrl, key,
                DEFAULT_MAX_ATTEMPTS, cloud, plan, hashOwnerToken(ownerToken));
    }

    /** Tells idle workers that work may be waiting (after a retry, say). */
    public void wakeWorkers() {
        signal.signal();
    }

    /**
     * The profile an output gets: a stored profile (over its preset) or a built-in preset, with the output's
     * overrides on top, checked for completeness.
     */
    public Profile resolve(String presetOrProfile, Map<String, Object> overrides, String path) {
        return resolve(findBase(presetOrProfile), presetOrProfile, overrides, path);
    }

    private static Profile resolve(Optional<Profile> found, String presetOrProfile, Map<String, Object> overrides,
            String path) {
        Profile base = found.orElseThrow(() -> new ValidationException("unknown_preset",
                path + ".preset", "no preset or profile named '" + presetOrProfile + "'; see GET /v1/presets and /v1/profiles"));
        Profile top;
        try {
            top = Profile.fromFields(overrides == null ? Map.of() : overrides);
        } catch (InvalidProfileException e) {
            ProfileViolation first = e.violations().get(0);
            throw new ValidationException("invalid_profile", path + "." + first.field(), e.getMessage());
        }
        try {
            return withKeyMaterial(base.overlay(top)).requireComplete();
        } catch (InvalidProfileException e) {
            throw new ValidationException("invalid_profile", path + "." + e.violations().get(0).field(), e.getMessage());
        }
    }

    private Optional<Profile> findBase(String name) {
        // why: stored profiles may not take a preset's name (putProfile), so a preset needs no store lookup
        Optional<Profile> preset = Presets.find(name);
        if (preset.isPresent()) {
            return preset;
        }
        Optional<StoredProfile> stored = store.findProfile(name);
        if (stored.isPresent()) {
            StoredProfile sp = stored.get();
            Profile below = sp.preset() == null ? Profile.EMPTY : Presets.find(sp.preset()).orElse(Profile.EMPTY);
            return Optional.of(below.overlay(sp.fields()));
        }
        return Optional.empty();
    }

    /**
     * Validates and stores a named profile: {@code preset} (optional) plus fields, complete once merged.
     *
     * @throws ValidationException when the name clashes with a preset, the preset is unknown or the fields are bad
     */
    public StoredProfile putProfile(String name, String preset, Map<String, Object> fields) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ValidationException("invalid_request", "name",
                    "profile names are 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
        }
        if (Presets.find(name).isPresent()) {
            throw new ValidationException("invalid_request", "name", "'" + name + "' is a built-in preset name");
        }
        Profile below = Profile.EMPTY;
        if (preset != null) {
            below = Presets.find(preset).orElseThrow(() -> new ValidationException("unknown_preset", "preset",
                    "no built-in preset named '" + preset + "'; see GET /v1/presets"));
        }
        Profile own;
        try {
            own = Profile.fromFields(fields == null ? Map.of() : fields);
            // a stored profile may ask for encryption without a key: each job gets its own
            withKeyMaterial(below.overlay(own)).requireComplete();
        } catch (InvalidProfileException e) {
            throw new ValidationException("invalid_profile", e.violations().get(0).field(), e.getMessage());
        }
        return store.putProfile(name, preset, own);
    }

    /**
     * An encrypted output's AES-128 key and IV: the profile's own when it gives them, else 16 random bytes each,
     * generated here so that every job (and every retry of it) uses the same key its playlists were made with.
     */
    private static Profile withKeyMaterial(Profile p) {
        if (!p.encryptionOrDefault() || p.encryptionKey() != null && p.encryptionIv() != null) {
            return p;
        }
        Map<String, Object> generated = new HashMap<>();
        if (p.encryptionKey() == null) {
            generated.put("encryption_key", randomHex(16));
        }
        if (p.encryptionIv() == null) {
            generated.put("encryption_iv", randomHex(16));
        }
        return p.overlay(Profile.fromFields(generated));
    }

    /**
     * A new job's owner token: handed out once, in the response that creates the job, and stored only as its hash.
     * Until API keys and tenants exist, holding it is what makes a caller the job's owner.
     */
    private static String ownerToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "own_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The stored form of an owner token (SHA-256, hex). */
    public static String hashOwnerToken(String token) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    private static String uniqueName(String preset, Set<String> taken) {
        String base = NOT_IN_NAME.matcher(preset.toLowerCase(java.util.Locale.ROOT)).replaceAll("-");
        if (!taken.contains(base)) {
            return base;
        }
        for (int n = 2; ; n++) {
            if (!taken.contains(base + "-" + n)) {
                return base + "-" + n;
            }
        }
    }

    private static Priority parsePriority(String value, String field) {
        if (value == null) {
            return Priority.NORMAL;
        }
        try {
            return Priority.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("invalid_request", field, e.getMessage());
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
            throw new ValidationException("invalid_request", field, field + " is longer than " + MAX_URI_LENGTH + " characters");
        }
        try {
            URI u = new URI(value);
            if (u.getScheme() == null) {
                throw new ValidationException("invalid_request", field, field + " must be an absolute URI, not '" + value + "'");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ValidationException("invalid_request", field, field + " is not a valid URI: " + e.getReason());
        }
    }
}
