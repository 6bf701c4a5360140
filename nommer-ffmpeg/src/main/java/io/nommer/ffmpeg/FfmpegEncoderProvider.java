package io.nommer.ffmpeg;

import io.nommer.core.encode.Encoder;
import io.nommer.core.encode.EncoderContext;
import io.nommer.core.encode.EncoderProvider;

/** Registers the {@link FfmpegEncoder} as encoder {@code ffmpeg}, the default (see {@code META-INF/services}). */
public final class FfmpegEncoderProvider implements EncoderProvider {
    public static final String NAME = "ffmpeg";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean needsInput() {
        return true;
    }

    /** @throws IllegalArgumentException naming the setting when ffmpeg or ffprobe cannot be found */
    @Override
    public Encoder create(EncoderContext context) {
        return new FfmpegEncoder(FfmpegBinaries.resolve(context.ffmpeg(), context.ffprobe()), context.maxInputPixels());
    }
}
