package io.nommer.core.service;

import static io.nommer.core.profile.Profile.ENCRYPTION_IV;
import static io.nommer.core.profile.Profile.ENCRYPTION_KEY;

import io.nommer.core.command.CommandRefusal;
import io.nommer.core.compile.CommandCompiler;
import io.nommer.core.profile.InvalidProfileException;
import io.nommer.core.profile.ParsedProfile;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileStore;
import io.nommer.core.profile.ProfileViolation;
import io.nommer.core.profile.StoredProfile;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The profile an output gets: a built-in preset or a stored profile (over its own preset), with the output's
 * overrides on top, and per-job key material for encrypted outputs.
 */
final class ProfileResolver {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final ProfileStore profiles;

    ProfileResolver(ProfileStore profiles) {
        this.profiles = profiles;
    }

    /** The preset, or {@code tenant}'s stored profile, named {@code name}, merged over its preset. */
    Optional<Profile> base(String tenant, String name) {
        // why: stored profiles may not take a preset's name (ProfileService), so a preset needs no store lookup
        Optional<Profile> preset = Presets.find(name);
        if (preset.isPresent()) {
            return preset;
        }
        Optional<StoredProfile> stored = profiles.find(tenant, name);
        if (stored.isPresent()) {
            StoredProfile sp = stored.get();
            Profile below = sp.preset() == null
                    ? Profile.EMPTY
                    : Presets.find(sp.preset()).orElse(Profile.EMPTY);
            return Optional.of(below.overlay(sp.fields()));
        }
        return Optional.empty();
    }

    /**
     * {@code overrides} over the base found for {@code name}, with key material, checked for completeness.
     *
     * @param path the output's JSON path, e.g. {@code outputs[0]}, for the field errors name
     * @throws ValidationException {@code unknown_preset} or {@code invalid_profile}
     */
    static Profile resolve(Optional<Profile> found, String name, ParsedProfile overrides, String path) {
        Profile base = found.orElseThrow(() -> new ValidationException(
                "unknown_preset",
                path + ".preset",
                "no preset or profile named '" + name + "'; see GET /v1/presets and /v1/profiles"));
        Profile top;
        try {
            top = overrides == null ? Profile.EMPTY : overrides.orThrow();
        } catch (InvalidProfileException e) {
            throw invalid(e, path + ".");
        }
        if (top.hasCommand()) {
            // why: a command is checked and kept once, in a stored profile, rather than sent with every job
            throw new ValidationException(
                    "command_not_allowed",
                    path + ".command",
                    "a command can only be given in a stored profile (POST /v1/profiles), then named as the preset");
        }
        try {
            return checkCommand(withKeyMaterial(base.overlay(top)).requireComplete(), path + ".");
        } catch (InvalidProfileException e) {
            throw invalid(e, path + ".");
        }
    }

    /**
     * A command profile the server built itself (media-nommer compatibility), checked exactly as a stored profile with
     * a command is checked when it is stored ({@link ProfileService}): complete, nothing beside the command that it
     * would ignore, and every line on the allowlist. The worker checks it again when it runs it, as any command.
     *
     * @throws ValidationException {@code invalid_profile} or {@code command_not_allowed}
     */
    static Profile serverCommand(Profile p, String path) {
        if (!p.hasCommand()) {
            throw new IllegalArgumentException("a server-built output profile must have a command");
        }
        try {
            return checkCommand(p.requireComplete(), path + ".");
        } catch (InvalidProfileException e) {
            throw invalid(e, path + ".");
        }
    }

    /**
     * {@code p}, after checking its command (when it has one) against the allowlist with its own values.
     *
     * @throws ValidationException {@code command_not_allowed} naming the line and the token refused
     */
    static Profile checkCommand(Profile p, String prefix) {
        if (p.hasCommand()) {
            try {
                CommandCompiler.check(p);
            } catch (CommandRefusal e) {
                throw new ValidationException("command_not_allowed", prefix + "command", e.getMessage());
            }
        }
        return p;
    }

    /** An {@code invalid_profile} refusal naming the first bad field (after {@code prefix}) and every problem. */
    static ValidationException invalid(InvalidProfileException e, String prefix) {
        ProfileViolation first = e.violations().get(0);
        return new ValidationException("invalid_profile", prefix + first.field(), e.getMessage());
    }

    /**
     * An encrypted output's AES-128 key and IV: the profile's own when it gives them, else 16 random bytes each,
     * generated here so that every job (and every retry of it) uses the same key its playlists were made with.
     */
    static Profile withKeyMaterial(Profile p) {
        if (!p.encryptionOrDefault()) {
            return p;
        }
        if (!p.has(ENCRYPTION_KEY)) {
            p = p.with(ENCRYPTION_KEY, randomHex(16));
        }
        if (!p.has(ENCRYPTION_IV)) {
            p = p.with(ENCRYPTION_IV, randomHex(16));
        }
        return p;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
