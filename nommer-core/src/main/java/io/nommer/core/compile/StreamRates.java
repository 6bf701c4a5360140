package io.nommer.core.compile;

import java.util.List;

/**
 * What a stream's segments carry, in bits per second, measured from the encoded files rather than taken from the
 * encoder's targets: rate control overshoots, and containers add overhead that a nominal rate never counts.
 *
 * @param peak the peak segment bit rate
 * @param average the whole stream's size over its duration
 */
public record StreamRates(long peak, long average) {

    /** One media segment as published: its duration and its size in bytes. */
    public record Segment(double seconds, long bytes) {
        public Segment {
            if (!(seconds >= 0) || bytes < 0) {
                throw new IllegalArgumentException("a segment of " + seconds + " s and " + bytes + " bytes");
            }
        }
    }

    /**
     * The rates of an HLS media playlist as RFC 8216 (4.3.4.2) defines them: the peak is the largest bit rate of any
     * contiguous run of segments lasting between 0.5 and 1.5 times the target duration, so that neither a short last
     * segment nor an average hides a burst. A playlist shorter than half the target duration has no such run; its
     * peak is its average.
     */
    public static StreamRates hls(List<Segment> segments, double targetDuration) {
        double total = 0;
        long bytes = 0;
        for (Segment s : segments) {
            total += s.seconds();
            bytes += s.bytes();
        }
        long average = rate(bytes, total);
        long peak = 0;
        boolean anyRun = false;
        for (int i = 0; i < segments.size(); i++) {
            double seconds = 0;
            long runBytes = 0;
            for (int j = i; j < segments.size(); j++) {
                seconds += segments.get(j).seconds();
                runBytes += segments.get(j).bytes();
                if (seconds > 1.5 * targetDuration) {
                    break;
                }
                if (seconds >= 0.5 * targetDuration) {
                    anyRun = true;
                    peak = Math.max(peak, rate(runBytes, seconds));
                }
            }
        }
        return new StreamRates(anyRun ? Math.max(peak, average) : average, average);
    }

    /**
     * A DASH Representation's {@code @bandwidth} (ISO/IEC 23009-1, 5.3.5.2): the smallest constant rate at which a
     * client that starts at any segment and has buffered {@code minBufferSeconds} worth of bits first has every
     * later segment complete before it is due. Each segment also needs the {@code initBytes} initialization segment.
     */
    public static long dashBandwidth(List<Segment> segments, long initBytes, double minBufferSeconds) {
        long needed = 0;
        for (int i = 0; i < segments.size(); i++) {
            long bytes = initBytes;
            double due = minBufferSeconds;
            for (int j = i; j < segments.size(); j++) {
                bytes += segments.get(j).bytes();
                needed = Math.max(needed, rate(bytes, due));
                due += segments.get(j).seconds();
            }
        }
        return needed;
    }

    /** Two streams played together, e.g. a video variant and its audio rendition. */
    public StreamRates plus(StreamRates other) {
        return new StreamRates(peak + other.peak, average + other.average);
    }

    private static long rate(long bytes, double seconds) {
        return seconds > 0 ? (long) Math.ceil(bytes * 8 / seconds) : 0;
    }
}
