package io.nommer.core.profile;

/** What an output produces, which decides the streams it needs from the input. */
public enum OutputKind {
    /** A video file, with audio when the source has audio. Needs a video stream. */
    VIDEO,
    /** An audio-only file. Needs an audio stream. */
    AUDIO,
    /** Still JPEG images. Needs a video stream. */
    THUMBNAILS
}
