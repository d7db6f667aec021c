// Reading a file that a daemon or client writes while the test watches it.
package dev.sftpd.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

public final class Text {
    private Text() {}

    /**
     * The file's bytes so far as Latin-1, one char per byte: a half-written UTF-8 sequence cannot
     * fail it, and binary output (an SFTP reply) stays comparable. A file not written yet is empty.
     */
    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
