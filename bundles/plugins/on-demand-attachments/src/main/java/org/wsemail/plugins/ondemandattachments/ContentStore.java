package org.wsemail.plugins.ondemandattachments;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Attachment contents on disk, under the server's data folder, each in a file named by its SHA-256
 * (the same bytes sent twice are kept once). Files rather than database rows because a content is
 * written and read as a stream of any size, never held whole in memory, and the database keeps only
 * what describes it ({@link Records}). A new content is first written to a file of its own, hashed on
 * the way, and moved into place whole, so a reader never sees half a file. Thread-safe.
 */
final class ContentStore {
    private final Path objects;
    private final Path incoming;

    /** What a stream written to the store turned out to be. */
    record Written(String sha256, long size) {
    }

    ContentStore(Path root) throws IOException {
        this.objects = Files.createDirectories(root.resolve("objects"));
        this.incoming = Files.createDirectories(root.resolve("incoming"));
    }

    /**
     * Writes the stream into the store, at most {@code most} bytes, hashing it on the way.
     *
     * @throws TooLarge if it is larger; nothing is kept then
     */
    Written write(InputStream content, long most) throws IOException {
        Path file = incoming.resolve(UUID.randomUUID().toString());
        MessageDigest sha256 = sha256();
        long size = 0;
        try {
            try (InputStream in = new DigestInputStream(content, sha256); OutputStream out = Files.newOutputStream(file)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    size += n;
                    if (size > most) {
                        throw new TooLarge(most);
                    }
                    out.write(buffer, 0, n);
                }
            }
            String hash = HexFormat.of().formatHex(sha256.digest());
            Path target = path(hash);
            Files.createDirectories(target.getParent());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Written(hash, size);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The file of a content, which may not exist (anymore). */
    Path path(String sha256) {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        return objects.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    boolean delete(String sha256) throws IOException {
        return Files.deleteIfExists(path(sha256));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A content larger than the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long most) {
            super("larger than the " + most + " bytes an attachment may have");
        }
    }
}
