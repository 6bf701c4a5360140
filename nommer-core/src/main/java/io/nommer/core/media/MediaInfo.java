package io.nommer.core.media;

import java.util.List;
import java.util.Optional;

/**
 * What ffprobe learned about an input.
 *
 * @param formatName the demuxer ffprobe chose, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}; encoders pass its first name to
 *     {@code -f} so that ffmpeg never guesses the format again from the file's content or name
 * @param duration seconds, null when unknown
 * @param bitrate bits per second
 * @param size bytes
 */
public record MediaInfo(String formatName, Double duration, Long bitrate, long size, List<StreamInfo> streams) {
    public MediaInfo {
        streams = List.copyOf(streams);
    }

    /** The name to give ffmpeg's {@code -f}: the first of ffprobe's comma-separated demuxer names. */
    public String demuxer() {
        int comma = formatName.indexOf(',');
        return comma < 0 ? formatName : formatName.substring(0, comma);
    }

    public Optional<StreamInfo> video() {
        return streams.stream().filter(StreamInfo::isVideo).findFirst();
    }

    public Optional<StreamInfo> audio() {
        return streams.stream().filter(StreamInfo::isAudio).findFirst();
    }
}
