package io.nommer.ffmpeg.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fragments of a fragmented MP4 (a Smooth Streaming .ismv) by track and start time, read from the file's own
 * random access index: the {@code mfro} box at the end points at the {@code mfra} box, whose {@code tfra} boxes list
 * each track's fragments as (time, {@code moof} offset). IIS finds the fragment a client asks for this way, so a time
 * that is not in the index is a fragment IIS cannot serve.
 *
 * <p>Written from ISO/IEC 14496-12 (8.8.9-8.8.11), independently of nommer's own .ismv reader (IsmvIndex).
 */
public final class FragmentIndex {
    private final byte[] file;
    private final Map<Integer, Map<Long, Long>> offsetsByTrack;

    private FragmentIndex(byte[] file, Map<Integer, Map<Long, Long>> offsetsByTrack) {
        this.file = file;
        this.offsetsByTrack = offsetsByTrack;
    }

    /** @throws IllegalArgumentException when the file has no well-formed mfro/mfra index */
    public static FragmentIndex read(Path path) {
        byte[] b;
        try {
            b = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        // mfro: size 16, type, version and flags, then the size of the whole mfra box it closes
        if (b.length < 16 || !type(b, b.length - 12).equals("mfro")) {
            throw new IllegalArgumentException(path.getFileName() + " does not end with an mfro box");
        }
        long mfraSize = Integer.toUnsignedLong(buf.getInt(b.length - 4));
        int mfra = (int) (b.length - mfraSize);
        if (mfra < 0 || !type(b, mfra + 4).equals("mfra")) {
            throw new IllegalArgumentException(path.getFileName() + ": the mfro box does not point at an mfra box");
        }
        Map<Integer, Map<Long, Long>> tracks = new LinkedHashMap<>();
        int pos = mfra + 8;
        while (pos < b.length) {
            int size = size(b, pos);
            if (type(b, pos + 4).equals("tfra")) {
                readTfra(buf, pos + 8, tracks);
            }
            pos += size;
        }
        return new FragmentIndex(b, tracks);
    }

    private static void readTfra(ByteBuffer buf, int pos, Map<Integer, Map<Long, Long>> tracks) {
        int version = buf.get(pos) & 0xff;
        int trackId = buf.getInt(pos + 4);
        int lengths = buf.getInt(pos + 8);
        int entries = buf.getInt(pos + 12);
        // the widths of traf_number, trun_number and sample_number, each 1-4 bytes, that follow time and offset
        int skip = ((lengths >> 4) & 3) + 1 + ((lengths >> 2) & 3) + 1 + (lengths & 3) + 1;
        Map<Long, Long> offsets = new LinkedHashMap<>();
        int p = pos + 16;
        for (int i = 0; i < entries; i++) {
            long time;
            long offset;
            if (version == 1) {
                time = buf.getLong(p);
                offset = buf.getLong(p + 8);
                p += 16;
            } else {
                time = Integer.toUnsignedLong(buf.getInt(p));
                offset = Integer.toUnsignedLong(buf.getInt(p + 4));
                p += 8;
            }
            offsets.put(time, offset);
            p += skip;
        }
        tracks.put(trackId, offsets);
    }

    /** Each track's fragment start times, in file order. */
    public Map<Integer, List<Long>> times() {
        Map<Integer, List<Long>> times = new LinkedHashMap<>();
        offsetsByTrack.forEach((track, offsets) -> times.put(track, new ArrayList<>(offsets.keySet())));
        return times;
    }

    /** The start times the index lists for a track, in file order; empty for a track it does not know. */
    public List<Long> times(int trackId) {
        return new ArrayList<>(offsetsByTrack.getOrDefault(trackId, Map.of()).keySet());
    }

    /** The fragment (its moof box and the mdat box right after it) of {@code trackId} starting at {@code time}. */
    public Optional<byte[]> fragment(int trackId, long time) {
        Long offset = offsetsByTrack.getOrDefault(trackId, Map.of()).get(time);
        if (offset == null) {
            return Optional.empty();
        }
        int moof = Math.toIntExact(offset);
        if (!type(file, moof + 4).equals("moof")) {
            throw new IllegalArgumentException("the index points track " + trackId + " at time " + time + " to offset "
                    + moof + ", where there is a " + type(file, moof + 4) + " box, not a moof");
        }
        int mdat = moof + size(file, moof);
        if (!type(file, mdat + 4).equals("mdat")) {
            throw new IllegalArgumentException(
                    "the moof at offset " + moof + " is followed by a " + type(file, mdat + 4) + " box, not an mdat");
        }
        int end = mdat + size(file, mdat);
        byte[] fragment = new byte[end - moof];
        System.arraycopy(file, moof, fragment, 0, fragment.length);
        return Optional.of(fragment);
    }

    /** A box's 32-bit size; the 64-bit and to-the-end forms (1 and 0) do not occur in files this small. */
    private static int size(byte[] b, int pos) {
        int size = ByteBuffer.wrap(b).getInt(pos);
        if (size < 8) {
            throw new IllegalArgumentException("box at offset " + pos + " has size " + size + ", which this reader "
                    + "does not handle (64-bit or to-the-end sizes)");
        }
        return size;
    }

    private static String type(byte[] b, int pos) {
        return pos + 4 > b.length ? "" : new String(b, pos, 4, StandardCharsets.ISO_8859_1);
    }
}
