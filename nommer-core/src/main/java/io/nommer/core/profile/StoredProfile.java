package io.nommer.core.profile;

import java.time.Instant;

/**
 * A user's named profile: a preset to start from plus fields laid over it.
 *
 * @param preset the built-in preset this profile extends, or null when the fields are complete on their own
 * @param fields the user's fields only (not merged with the preset)
 */
public record StoredProfile(String name, String preset, Profile fields, Instant createdAt, Instant updatedAt) {}
