package org.wsemail.shell.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** A password read from a file an administrator wrote for a script: its first line, nothing kept. */
final class PasswordFiles {
    /** Longer than any password; a bigger file is not a password file. */
    private static final long MOST_BYTES = 4096;

    private PasswordFiles() {
    }

    static char[] read(String file) throws IOException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no password file " + file);
        }
        if (Files.size(path) > MOST_BYTES) {
            throw new IllegalArgumentException("the password file " + file + " is larger than " + MOST_BYTES + " bytes");
        }
        byte[] bytes = Files.readAllBytes(path);
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            int end = 0;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            char[] password = new char[end];
            text.get(password);
            Arrays.fill(text.array(), '\0');
            if (password.length == 0) {
                throw new IllegalArgumentException("the password file " + file + " is empty");
            }
            return password;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the password file " + file + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
