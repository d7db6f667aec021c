// log.c's stderr output: the message and "\r\n" (as log.c writes it), no timestamp, no program name.
package dev.sftpd.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

final class StderrSink implements LogSink {
    private final OutputStream out;

    StderrSink(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(LogLevel level, String text) {
        try {
            out.write((level.prefix(true) + text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            // Like log.c, which ignores write(2)'s result: there is nowhere left to report it.
        }
    }
}
