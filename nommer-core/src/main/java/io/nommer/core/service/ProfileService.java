package io.nommer.core.service;

import io.nommer.core.profile.InvalidProfileException;
import io.nommer.core.profile.ParsedProfile;
import io.nommer.core.profile.Presets;
import io.nommer.core.profile.Profile;
import io.nommer.core.profile.ProfileStore;
import io.nommer.core.profile.StoredProfile;
import java.util.List;
import java.util.function.Supplier;

/**
 * Users' named profiles as the API offers them: each a preset (optional) plus fields, complete once merged, and each
 * its tenant's own (another tenant's profile is not found, as if it did not exist).
 */
public final class ProfileService {
    private final ProfileStore profiles;

    public ProfileService(ProfileStore profiles) {
        this.profiles = profiles;
    }

    public List<StoredProfile> list(String tenant) {
        return profiles.list(tenant);
    }

    /** @throws NotFoundException when there is no such profile */
    public StoredProfile find(String tenant, String name) {
        return profiles.find(tenant, name).orElseThrow(() -> new NotFoundException("profile " + name));
    }

    /**
     * Stores a new profile.
     *
     * @param preset read only once the name passed, so that a request's mistakes are reported in the API's order
     * @throws ValidationException {@code invalid_request} without a name
     * @throws ConflictException {@code profile_exists} when the name is taken
     */
    public StoredProfile create(String tenant, String name, Supplier<String> preset, ParsedProfile fields) {
        if (name == null) {
            throw new ValidationException("invalid_request", "name", "name is required");
        }
        if (profiles.find(tenant, name).isPresent()) {
            throw new ConflictException(
                    "profile_exists",
                    "name",
                    "a profile named '" + name + "' exists; PUT /v1/profiles/" + name + " replaces it");
        }
        return put(tenant, name, preset.get(), fields);
    }

    /**
     * Creates or replaces the profile {@code name}.
     *
     * @param bodyName the name the request's body gives, if any: it must be {@code name}
     */
    public StoredProfile replace(
            String tenant, String name, String bodyName, Supplier<String> preset, ParsedProfile fields) {
        if (bodyName != null && !bodyName.equals(name)) {
            throw new ValidationException(
                    "invalid_request",
                    "name",
                    "the body's name '" + bodyName + "' differs from the URL's '" + name + "'");
        }
        return put(tenant, name, preset.get(), fields);
    }

    /** @throws NotFoundException when there was no such profile */
    public void delete(String tenant, String name) {
        if (!profiles.delete(tenant, name)) {
            throw new NotFoundException("profile " + name);
        }
    }

    /**
     * Validates and stores a named profile.
     *
     * @throws ValidationException when the name clashes with a preset, the preset is unknown or the fields are bad
     */
    private StoredProfile put(String tenant, String name, String preset, ParsedProfile fields) {
        if (!JobValidator.NAME.matcher(name).matches()) {
            throw new ValidationException(
                    "invalid_request",
                    "name",
                    "profile names are 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
        }
        if (Presets.find(name).isPresent()) {
            throw new ValidationException("invalid_request", "name", "'" + name + "' is a built-in preset name");
        }
        Profile below = Profile.EMPTY;
        if (preset != null) {
            below = Presets.find(preset)
                    .orElseThrow(() -> new ValidationException(
                            "unknown_preset",
                            "preset",
                            "no built-in preset named '" + preset + "'; see GET /v1/presets"));
        }
        Profile own;
        try {
            own = fields == null ? Profile.EMPTY : fields.orThrow();
        } catch (InvalidProfileException e) {
            throw ProfileResolver.invalid(e, "");
        }
        if (own.hasCommand() && preset != null) {
            throw new ValidationException(
                    "invalid_profile",
                    "preset",
                    "a profile with a command takes no preset: the command says how to encode");
        }
        try {
            // a stored profile may ask for encryption without a key: each job gets its own
            ProfileResolver.checkCommand(
                    ProfileResolver.withKeyMaterial(below.overlay(own)).requireComplete(), "");
        } catch (InvalidProfileException e) {
            throw ProfileResolver.invalid(e, "");
        }
        return profiles.put(tenant, name, preset, own);
    }
}
