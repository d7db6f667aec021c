// A private rsyslogd: a log socket in the test's directory, written to a file formatted as Debian's /var/log/auth.log.
package dev.sftpd.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code socket}: programs send lines there, as to /dev/log; {@code file}: "MMM dd HH:MM:SS host prog[pid]: text". */
public record Rsyslog(Process process, Path socket, Path file) implements AutoCloseable {

    /** Starts {@code rsyslogd -n} (foreground, so its pid is the process's) and waits for its socket. */
    public static Rsyslog start(Path dir) {
        Path socket = dir.resolve("log");
        Path file = dir.resolve("auth.log");
        Path config = dir.resolve("rsyslog.conf");
        try {
            Files.writeString(config, String.join("\n",
                    "global(workDirectory=\"" + dir + "\")",
                    "module(load=\"imuxsock\" SysSock.Use=\"off\")",
                    "input(type=\"imuxsock\" Socket=\"" + socket + "\")",
                    "*.* action(type=\"omfile\" file=\"" + file + "\" template=\"RSYSLOG_TraditionalFileFormat\")",
                    ""));
            Process process = new ProcessBuilder("rsyslogd", "-n", "-f", config.toString(),
                    "-i", dir.resolve("rsyslogd.pid").toString())
                    .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
            Rsyslog rsyslog = new Rsyslog(process, socket, file);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(socket)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    rsyslog.close();
                    fail("rsyslogd made no socket " + socket + ":\n" + Text.read(dir.resolve("rsyslogd.out")));
                }
                Thread.sleep(50);
            }
            return rsyslog;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        Run.terminate(process);
    }
}
