package io.nommer.ffmpeg;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The tracks and fragments of a Smooth Streaming media file (.ismv) as they are in the file: read from its boxes, so
 * that manifests written from it name exactly the fragments a server can find. Reads the movie header whole and
 * each fragment's header, and skips the media data, so a large file costs a few reads per fragment.
 */
final class IsmvIndex {
    /** The extended type of Smooth Streaming's TfxdBox: a fragment's absolute start time and duration. */
    private static final byte[] TFXD = HexFormat.of().parseHex("6d1d9b0542d544e680e2141daff757b2");

    private static final int MAX_HEADER_BOX = 64 << 20;

    /**
     * One track.
     *
     * @param type {@code video} or {@code audio}
     * @param codecPrivateData what a Smooth client manifest's {@code CodecPrivateData} carries: for H.264 the SPS and
     *     PPS each after an Annex B start code, for AAC the AudioSpecificConfig
     */
    record Track(
            int id,
            String type,
            long timescale,
            String fourCc,
            byte[] codecPrivateData,
            int width,
            int height,
            int channels,
            int sampleRate,
            int bitsPerSample) {}

    /** One fragment of one track: its start and duration in the track's timescale, and its bytes (moof and mdat). */
    record Fragment(int trackId, long time, long duration, long offset, long size) {}

    private final List<Track> tracks;
    private final List<Fragment> fragments;

    private IsmvIndex(List<Track> tracks, List<Fragment> fragments) {
        this.tracks = List.copyOf(tracks);
        this.fragments = List.copyOf(fragments);
    }

    /** Tracks in the order of the movie header. */
    List<Track> tracks() {
        return tracks;
    }

    /** Fragments of {@code trackId}, in file order. */
    List<Fragment> fragments(int trackId) {
        return fragments.stream().filter(f -> f.trackId() == trackId).toList();
    }

    static IsmvIndex read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            List<Track> tracks = null;
            List<Fragment> fragments = new ArrayList<>();
            Fragment pending = null;
            long size = ch.size();
            long pos = 0;
            while (pos < size) {
                BoxHeader h = BoxHeader.at(ch, pos, size);
                switch (h.type()) {
                    case "moov" -> tracks = movie(body(ch, h));
                    case "moof" -> pending = fragment(body(ch, h), pos, h.size());
                    case "mdat" -> {
                        if (pending != null) {
                            fragments.add(new Fragment(
                                    pending.trackId(),
                                    pending.time(),
                                    pending.duration(),
                                    pending.offset(),
                                    pending.size() + h.size()));
                            pending = null;
                        }
                    }
                    default -> {}
                }
                pos += h.size();
            }
            if (tracks == null || tracks.isEmpty()) {
                throw new IOException(file + " has no movie header with tracks");
            }
            if (fragments.isEmpty()) {
                throw new IOException(file + " has no fragments");
            }
            return new IsmvIndex(tracks, fragments);
        }
    }

    // ------------------------------------------------------------------ boxes

    private record BoxHeader(String type, long offset, long size, int headerSize) {
        static BoxHeader at(FileChannel ch, long pos, long fileSize) throws IOException {
            ByteBuffer b = readFully(ch, pos, (int) Math.min(16, fileSize - pos));
            if (b.remaining() < 8) {
                throw new IOException("a truncated box at byte " + pos);
            }
            long size = Integer.toUnsignedLong(b.getInt());
            String type = fourCc(b);
            int header = 8;
            if (size == 1) {
                if (b.remaining() < 8) {
                    throw new IOException("a truncated box at byte " + pos);
                }
                size = b.getLong();
                header = 16;
            } else if (size == 0) {
                size = fileSize - pos;
            }
            if (size < header || pos + size > fileSize) {
                throw new IOException("box " + type + " at byte " + pos + " claims " + size + " bytes");
            }
            return new BoxHeader(type, pos, size, header);
        }
    }

    private static ByteBuffer body(FileChannel ch, BoxHeader h) throws IOException {
        if (h.size() > MAX_HEADER_BOX) {
            throw new IOException("box " + h.type() + " at byte " + h.offset() + " is too large to be a header");
        }
        return readFully(ch, h.offset() + h.headerSize(), (int) h.size() - h.headerSize());
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new EOFException("the file ends inside a box at byte " + pos);
            }
        }
        return b.flip();
    }

    /** The child boxes of a container's body, each as a buffer over its own body, with its type. */
    private static List<Child> children(ByteBuffer body) {
        List<Child> out = new ArrayList<>();
        ByteBuffer b = body.duplicate();
        while (b.remaining() >= 8) {
            int start = b.position();
            long size = Integer.toUnsignedLong(b.getInt());
            String type = fourCc(b);
            int header = 8;
            if (size == 1) {
                size = b.getLong();
                header = 16;
            } else if (size == 0) {
                size = b.limit() - start;
            }
            if (size < header || start + size > b.limit()) {
                throw new IllegalArgumentException("box " + type + " overruns its parent");
            }
            out.add(new Child(
                    type,
                    body.duplicate()
                            .position(start + header)
                            .limit((int) (start + size))
                            .slice()));
            b.position((int) (start + size));
        }
        return out;
    }

    private record Child(String type, ByteBuffer body) {}

    private static ByteBuffer child(ByteBuffer body, String type) throws IOException {
        for (Child c : children(body)) {
            if (c.type().equals(type)) {
                return c.body();
            }
        }
        throw new IOException("no " + type + " box where one is required");
    }

    private static String fourCc(ByteBuffer b) {
        byte[] t = new byte[4];
        b.get(t);
        return new String(t, StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ movie header

    private static List<Track> movie(ByteBuffer moov) throws IOException {
        List<Track> tracks = new ArrayList<>();
        for (Child c : children(moov)) {
            if (c.type().equals("trak")) {
                Track t = track(c.body());
                if (t != null) {
                    tracks.add(t);
                }
            }
        }
        return tracks;
    }

    /** A video or audio track; null for any other kind. */
    private static Track track(ByteBuffer trak) throws IOException {
        ByteBuffer tkhd = child(trak, "tkhd");
        int id = tkhd.getInt(tkhd.get(0) == 1 ? 20 : 12);
        ByteBuffer mdia = child(trak, "mdia");
        ByteBuffer mdhd = child(mdia, "mdhd");
        long timescale = Integer.toUnsignedLong(mdhd.getInt(mdhd.get(0) == 1 ? 20 : 12));
        ByteBuffer hdlr = child(mdia, "hdlr");
        String handler = fourCc(hdlr.duplicate().position(8));
        ByteBuffer stsd = child(child(child(mdia, "minf"), "stbl"), "stsd");
        ByteBuffer entry =
                children(stsd.duplicate().position(8).slice()).getFirst().body();
        return switch (handler) {
            case "vide" -> {
                // VisualSampleEntry: 8 bytes of SampleEntry, then width and height at 24 and 26, boxes from 78.
                int width = Short.toUnsignedInt(entry.getShort(24));
                int height = Short.toUnsignedInt(entry.getShort(26));
                ByteBuffer avcC = child(entry.duplicate().position(78).slice(), "avcC");
                yield new Track(id, "video", timescale, "H264", annexB(avcC), width, height, 0, 0, 0);
            }
            case "soun" -> {
                // AudioSampleEntry: 8 bytes of SampleEntry, 8 reserved, channels, sample size, 4 reserved, then
                // the rate as 16.16 fixed point at 24, boxes from 28.
                int channels = Short.toUnsignedInt(entry.getShort(16));
                int bits = Short.toUnsignedInt(entry.getShort(18));
                int rate = Short.toUnsignedInt(entry.getShort(24));
                ByteBuffer esds = child(entry.duplicate().position(28).slice(), "esds");
                yield new Track(id, "audio", timescale, "AACL", audioSpecificConfig(esds), 0, 0, channels, rate, bits);
            }
            default -> null;
        };
    }

    /** The SPS and PPS of an AVCDecoderConfigurationRecord, each after a 00 00 00 01 start code. */
    private static byte[] annexB(ByteBuffer avcC) {
        ByteBuffer b = avcC.duplicate().position(5);
        List<byte[]> units = new ArrayList<>();
        int sps = b.get() & 0x1f;
        for (int i = 0; i < sps; i++) {
            units.add(unit(b));
        }
        int pps = b.get() & 0xff;
        for (int i = 0; i < pps; i++) {
            units.add(unit(b));
        }
        ByteBuffer out =
                ByteBuffer.allocate(units.stream().mapToInt(u -> u.length + 4).sum());
        for (byte[] u : units) {
            out.putInt(1).put(u);
        }
        return out.array();
    }

    private static byte[] unit(ByteBuffer b) {
        byte[] u = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(u);
        return u;
    }

    /** The DecoderSpecificInfo (tag 5) inside an ES_Descriptor (tag 3) and its DecoderConfigDescriptor (tag 4). */
    private static byte[] audioSpecificConfig(ByteBuffer esds) throws IOException {
        ByteBuffer b = esds.duplicate().position(4);
        while (b.remaining() > 2) {
            int tag = b.get() & 0xff;
            int length = descriptorLength(b);
            switch (tag) {
                case 3 -> {
                    b.getShort();
                    int flags = b.get() & 0xff;
                    if ((flags & 0x80) != 0) {
                        b.getShort();
                    }
                    if ((flags & 0x40) != 0) {
                        b.position(b.position() + (b.get() & 0xff));
                    }
                    if ((flags & 0x20) != 0) {
                        b.getShort();
                    }
                }
                case 4 -> b.position(b.position() + 13);
                case 5 -> {
                    byte[] config = new byte[length];
                    b.get(config);
                    return config;
                }
                default -> b.position(b.position() + length);
            }
        }
        throw new IOException("the audio track's esds has no AudioSpecificConfig");
    }

    private static int descriptorLength(ByteBuffer b) {
        int length = 0;
        for (int i = 0; i < 4; i++) {
            int v = b.get() & 0xff;
            length = (length << 7) | (v & 0x7f);
            if ((v & 0x80) == 0) {
                break;
            }
        }
        return length;
    }

    // ------------------------------------------------------------------ fragments

    private static Fragment fragment(ByteBuffer moof, long offset, long size) throws IOException {
        ByteBuffer traf = child(moof, "traf");
        int trackId = child(traf, "tfhd").getInt(4);
        for (Child c : children(traf)) {
            ByteBuffer u = c.body();
            if (c.type().equals("uuid") && u.remaining() >= 28 && Arrays.equals(extendedType(u), TFXD)) {
                boolean wide = u.get(16) == 1;
                long time = wide ? u.getLong(20) : Integer.toUnsignedLong(u.getInt(20));
                long duration = wide ? u.getLong(28) : Integer.toUnsignedLong(u.getInt(24));
                return new Fragment(trackId, time, duration, offset, size);
            }
        }
        throw new IOException("the fragment at byte " + offset + " has no tfxd box with its time");
    }

    private static byte[] extendedType(ByteBuffer uuidBody) {
        byte[] t = new byte[16];
        uuidBody.duplicate().get(t);
        return t;
    }
}
