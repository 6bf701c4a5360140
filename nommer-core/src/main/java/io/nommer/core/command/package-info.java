/**
 * Custom commands (issue 15): Panda-style ffmpeg command lines with nommer's tokens, split as a shell would split
 * them but never run by one, and checked against an allowlist of options, values, formats, encoders and filters.
 *
 * <p>Not yet wired: stored profiles do not take {@code command} and workers do not run one (the API still refuses the
 * field); stacks and the sandbox are still to come. What is here is the parser and the allowlist they will use.
 */
package io.nommer.core.command;
