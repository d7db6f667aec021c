// Collects what the project's logger writes while a test runs, at DEBUG3, in log.c's stderr format.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.Logging;
import dev.sftpd.log.SyslogFacility;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Logging's stderr sink binds System.err when initialised, so the stream is swapped around init. */
final class LogCapture implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final PrintStream original = System.err;

    LogCapture() {
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Logging.init("sftpd", LogLevel.DEBUG3, SyslogFacility.AUTH, true);
        } finally {
            System.setErr(original);
        }
    }

    String text() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        Logging.init("sftpd", LogLevel.ERROR, SyslogFacility.AUTH, true);
    }
}
