package io.nommer.core.job;

import io.nommer.core.profile.Profile;

/**
 * One requested output, resolved at submission: the profile is a snapshot, so later edits to a stored profile do not
 * change queued work.
 *
 * @param name unique within the job; names the output's files
 * @param preset the preset or stored profile the output started from
 * @param destination a folder URI the files are published into, or null for the service's own storage
 */
public record OutputSpec(String name, String preset, Profile profile, String destination) {}
