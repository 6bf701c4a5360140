package io.nommer.ffmpeg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes uncompressed POSIX ustar archives of plain files with bare names (no directories), which every tar reads.
 * Kept in-house because the format needs only a 512-byte header per file.
 */
final class UstarWriter {
    private static final int BLOCK = 512;
    private static final long MAX_SIZE = 077777777777L; // 11 octal digits

    private UstarWriter() {}

    /**
     * Writes {@code archive} holding {@code files} in the given order, each under its file name. Written to a
     * temporary sibling and moved into place, so a reader never sees half an archive.
     *
     * @throws IllegalArgumentException when a name does not fit the 100-byte name field or a file is too large
     */
    static void write(Path archive, List<Path> files) throws IOException {
        Path tmp = archive.resolveSibling(archive.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buffer = new byte[64 * 1024];
            for (Path f : files) {
                long size = Files.size(f);
                long mtime = Files.getLastModifiedTime(f).toMillis() / 1000;
                out.write(header(f.getFileName().toString(), size, mtime));
                try (InputStream in = Files.newInputStream(f)) {
                    long copied = 0;
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        out.write(buffer, 0, n);
                        copied += n;
                    }
                    if (copied != size) {
                        throw new IOException(f + " changed size while being archived");
                    }
                }
                int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
                out.write(new byte[pad]);
            }
            out.write(new byte[2 * BLOCK]); // end of archive: two zero blocks
        }
        Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static byte[] header(String name, long size, long mtime) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length > 100 || name.contains("/")) {
            throw new IllegalArgumentException("tar entry name must be a bare name of 1 to 100 bytes: " + name);
        }
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException(name + " is too large for a ustar archive: " + size + " bytes");
        }
        byte[] h = new byte[BLOCK];
        System.arraycopy(n, 0, h, 0, n.length);
        octal(h, 100, 8, 0644); // mode
        octal(h, 108, 8, 0); // uid
        octal(h, 116, 8, 0); // gid
        octal(h, 124, 12, size);
        octal(h, 136, 12, Math.max(0, mtime));
        h[156] = '0'; // regular file
        ascii(h, 257, "ustar\0"); // magic
        ascii(h, 263, "00"); // version
        ascii(h, 265, "nommer"); // owner name
        ascii(h, 297, "nommer"); // group name
        // the checksum is computed with its own field as eight spaces
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    /** {@code width - 1} zero-padded octal digits and a NUL. */
    private static void octal(byte[] h, int offset, int width, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(width - 1 - s.length()) + s;
        ascii(h, offset, padded);
        h[offset + width - 1] = 0;
    }

    private static void ascii(byte[] h, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, offset, b.length);
    }
}
