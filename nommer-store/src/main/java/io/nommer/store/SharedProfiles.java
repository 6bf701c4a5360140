package io.nommer.store;

import static io.nommer.store.Sql.prepare;
import static io.nommer.store.Sql.update;

import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A task's profile as its row keeps it: the profile's JSON, or, for a profile that is exactly one of the built-in
 * presets, a reference to one copy of that JSON in {@code shared_profiles} (migration V22). Most tasks use a preset as
 * it is, and its JSON was most of a task's row: in the throughput benchmark 329 of a task's 620 bytes, written to the
 * WAL with every new task.
 *
 * <p>A reference names the preset and a hash of its JSON, {@code @mp4-h264:5f2c9e0a81b7d346}, so a queued task keeps
 * the settings it was submitted with even when a later release changes the preset. Only built-in presets are shared:
 * their versions are few, so {@code shared_profiles} stays a handful of rows and needs no retention of its own, and
 * they hold no secret and no watermark (retention looks for watermark URLs in the rows themselves). A tenant's stored
 * profiles and a job's own settings stay in the task's row.
 */
final class SharedProfiles {
    private static final char REFERENCE = '@';
    /** The built-in presets' references, by their JSON. */
    private static final Map<String, String> REFERENCES = references();
    /** The built-in presets' JSON, by their references. */
    private static final Map<String, String> PRESETS = REFERENCES.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));
    /** Profiles read through a reference; a reference names one JSON for good, so every store can share them. */
    private static final Map<String, Profile> READ = new ConcurrentHashMap<>();
    /** The same, each on a stack: a task's profile is read with every claim. */
    private static final Map<List<String>, Profile> STACKED = new ConcurrentHashMap<>();

    /** References this store has seen committed to its {@code shared_profiles}. */
    private final Set<String> kept = ConcurrentHashMap.newKeySet();

    /**
     * What a task's row keeps for {@code profile}: a reference when, but for the stack it runs on (which the row
     * keeps in its {@code stack} column), it is a built-in preset as it is; otherwise its JSON.
     */
    static String stored(Profile profile) {
        String json = JsonColumns.profile(profile);
        String withoutStack =
                profile.has(Profile.STACK) ? JsonColumns.profile(profile.with(Profile.STACK, null)) : json;
        return REFERENCES.getOrDefault(withoutStack, json);
    }

    private static boolean isReference(String stored) {
        return !stored.isEmpty() && stored.charAt(0) == REFERENCE;
    }

    /**
     * Makes sure the store holds the JSON behind each reference among {@code stored} (the values of {@link #stored}),
     * in a transaction of its own before the tasks naming them are written: a row left by a submit that then fails
     * names a preset, and does no harm.
     */
    void keep(Sql sql, Collection<String> stored) {
        Map<String, String> missing = new LinkedHashMap<>();
        for (String s : stored) {
            if (isReference(s) && !kept.contains(s)) {
                missing.put(s, PRESETS.get(s));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        sql.inTransaction("keeping the presets' profiles", c -> {
            long now = sql.now(c);
            for (Map.Entry<String, String> e : missing.entrySet()) {
                update(
                        c,
                        "INSERT INTO shared_profiles (ref, profile, created_at) VALUES (?, ?, ?) "
                                + "ON CONFLICT (ref) DO NOTHING",
                        e.getKey(),
                        e.getValue(),
                        now);
            }
            return null;
        });
        kept.addAll(missing.keySet());
    }

    /**
     * The profile of a task whose row keeps {@code stored} and {@code stack}, reading a reference's JSON from the
     * store the first time.
     */
    static Profile read(Connection c, String stored, String stack) throws SQLException {
        if (!isReference(stored)) {
            return JsonColumns.profile(stored);
        }
        Profile preset = preset(c, stored);
        return stack == null
                ? preset
                : STACKED.computeIfAbsent(List.of(stored, stack), k -> preset.with(Profile.STACK, stack));
    }

    private static Profile preset(Connection c, String stored) throws SQLException {
        Profile known = READ.get(stored);
        if (known != null) {
            return known;
        }
        try (PreparedStatement ps = prepare(c, "SELECT profile FROM shared_profiles WHERE ref = ?", stored);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new StoreException(
                        "a task names the shared profile " + stored + ", which the store does not hold");
            }
            Profile read = JsonColumns.profile(rs.getString(1));
            READ.put(stored, read);
            return read;
        }
    }

    private static Map<String, String> references() {
        Map<String, String> byJson = new HashMap<>();
        Presets.all().forEach((name, profile) -> {
            String json = JsonColumns.profile(profile);
            byJson.putIfAbsent(json, REFERENCE + name + ":" + hash(json));
        });
        return Map.copyOf(byJson);
    }

    /** The first 64 bits of the JSON's SHA-256, hex: enough to tell apart the few versions of a few presets. */
    private static String hash(String json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
