package io.nommer.core.job;

import io.nommer.core.profile.Profile;

/**
 * One requested output, resolved at submission: the profile is a snapshot, so later edits to a stored profile do not
 * change queued work.
 *
 * @param name unique within the job; names the output's files
 * @param preset the preset or stored profile the output started from
 * @param destination a folder URI the files are published into, or null for the service's own storage
 * @param parts for a ladder spread over workers, its number of renditions, each a task of its own; else 0
 */
public record OutputSpec(String name, String preset, Profile profile, String destination, int parts) {
    public OutputSpec(String name, String preset, Profile profile, String destination) {
        this(name, preset, profile, destination, 0);
    }
}
