package io.nommer.ffmpeg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Joins fragmented-MP4 media segments (ISO/IEC 14496-12 and 23009-1 6.3.4) of one track. */
final class Fmp4Segments {
    private static final int MAX_SEGMENT = 256 << 20;

    private Fmp4Segments() {}

    /**
     * Appends the fragments of segment {@code tail} (its moof and mdat boxes; its styp and sidx are the segment's
     * own) to segment {@code head}, and extends the last reference of {@code head}'s segment index (if it has one)
     * by the appended bytes and {@code tailDuration} ({@code timescale} units per second).
     */
    static void append(Path head, Path tail, long tailDuration, long timescale) throws IOException {
        byte[] t = read(tail);
        int start = 0;
        while (start + 8 <= t.length && isSegmentBox(type(t, start))) {
            start += boxSize(t, start, tail);
        }
        int appended = t.length - start;
        byte[] h = read(head);
        int sidx = find(h, "sidx", head);
        if (sidx >= 0) {
            ByteBuffer b = ByteBuffer.wrap(h);
            int version = b.get(sidx + 8);
            long indexTimescale = Integer.toUnsignedLong(b.getInt(sidx + 16));
            int counts = sidx + 8 + 4 + 8 + (version == 0 ? 8 : 16) + 2;
            int references = Short.toUnsignedInt(b.getShort(counts));
            if (references == 0) {
                throw new IOException(head + " has a segment index without references");
            }
            int last = counts + 2 + (references - 1) * 12;
            int typeAndSize = b.getInt(last);
            b.putInt(last, (typeAndSize & 0x80000000) | ((typeAndSize & 0x7fffffff) + appended));
            long duration = Math.round((double) tailDuration * indexTimescale / timescale);
            b.putInt(last + 4, (int) (Integer.toUnsignedLong(b.getInt(last + 4)) + duration));
        }
        Files.write(head, h);
        try (var out = Files.newOutputStream(head, StandardOpenOption.APPEND)) {
            out.write(t, start, appended);
        }
    }

    private static boolean isSegmentBox(String type) {
        return type.equals("styp") || type.equals("sidx");
    }

    /** The offset of the first top-level box of {@code type}, or -1. */
    private static int find(byte[] b, String type, Path file) throws IOException {
        for (int pos = 0; pos + 8 <= b.length; pos += boxSize(b, pos, file)) {
            if (type(b, pos).equals(type)) {
                return pos;
            }
        }
        return -1;
    }

    private static int boxSize(byte[] b, int pos, Path file) throws IOException {
        long size = Integer.toUnsignedLong(ByteBuffer.wrap(b).getInt(pos));
        if (size < 8 || pos + size > b.length) {
            throw new IOException(file + ": box " + type(b, pos) + " at byte " + pos + " claims " + size + " bytes");
        }
        return (int) size;
    }

    private static String type(byte[] b, int pos) {
        return new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
    }

    private static byte[] read(Path p) throws IOException {
        if (Files.size(p) > MAX_SEGMENT) {
            throw new IOException(p + " is larger than a media segment can be");
        }
        return Files.readAllBytes(p);
    }
}
