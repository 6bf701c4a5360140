/**
 * Stacks: named, versioned toolchains (ffmpeg and ffprobe with their versions, nommer's segmenter and manifester)
 * that profiles pin themselves to. Workers report the stacks they have to the fleet registry; a task pinned to a stack
 * is claimed only by a worker that has it.
 */
package io.nommer.core.stack;
