/**
 * Custom commands (issue 15): Panda-style ffmpeg command lines with nommer's tokens, split as a shell would split
 * them but never run by one, and checked against an allowlist of options, values, formats, encoders and filters.
 *
 * <p>Stored profiles take {@code command} ({@code io.nommer.core.profile.Profile#COMMAND}); the services check it
 * when it is stored and when a job names it, and {@code io.nommer.core.compile.CommandCompiler} makes it a plan the
 * worker runs, checking it once more.
 */
package io.nommer.core.command;
