// One sftpd under test on a free port of 127.0.0.1: the file its log lines land in, and its end by pid.
package dev.sftpd.server.auth;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

record Daemon(Process process, int port, Path log) implements AutoCloseable {
    /** Stands for any port number in an expected log line, as "port N" in sshd's manual. */
    static final String ANY_PORT = "{port}";
    /** Long enough for a worker JVM to start and answer on a busy two-core machine. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * Starts {@code bin/sftpd -D -f CONFIG} in {@code dir} as root and waits until it listens. The
     * test's lines come first in the configuration (as in sshd, the first value of a keyword wins).
     * With {@code syslog} the daemon logs there, as in production; without, to stderr (-e), which
     * is then its log.
     */
    static Daemon start(Path sftpd, Path dir, Path hostKey, List<String> lines, Optional<Rsyslog> syslog) {
        int port = freePort();
        String name = "sftpd-" + port;
        Path config = dir.resolve(name + ".conf");
        Path output = dir.resolve(name + ".out");
        List<String> defaults = List.of("Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey,
                "PidFile " + dir.resolve(name + ".pid"), "LogLevel VERBOSE",
                "ControlSocket " + dir.resolve(name + ".control"));
        List<String> command = new ArrayList<>(List.of(sftpd.toString(), "-D", "-f", config.toString()));
        if (syslog.isEmpty()) {
            command.add("-e");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(output.toFile());
        syslog.ifPresent(s -> builder.environment().put("SFTPD_JAVA_OPTS", "-Dsftpd.syslog.socket=" + s.socket()));
        try {
            Files.write(config, Stream.concat(lines.stream(), defaults.stream()).toList());
            Daemon daemon = new Daemon(builder.start(), port, syslog.map(Rsyslog::file).orElse(output));
            daemon.awaitListening(output);
            return daemon;
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
    }

    /** Returns once the daemon says it listens; otherwise stops it and fails with what it printed. */
    private void awaitListening(Path output) {
        try {
            awaitLine("Server listening on 127.0.0.1 port " + port + ".");
        } catch (AssertionError e) {
            close();
            throw new AssertionError(e.getMessage() + "\n--- daemon output\n" + Run.read(output), e);
        }
    }

    /**
     * Waits until the log has the line {@code expected} (whole, after any syslog prefix), where
     * {@link #ANY_PORT} stands for a port number.
     */
    void awaitLine(String expected) {
        Pattern line = linePattern(expected);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!line.matcher(Run.read(log)).find()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                fail("no log line \"" + expected + "\" (daemon " + (process.isAlive() ? "running" : "exited")
                        + "); the log:\n" + Run.read(log));
            }
            pause();
        }
    }

    /** A log line that is {@code expected} after any syslog prefix, {@link #ANY_PORT} standing for a number. */
    static Pattern linePattern(String expected) {
        return Pattern.compile("(?m)(?:^|: )" + Stream.of(expected.split(Pattern.quote(ANY_PORT), -1))
                .map(Pattern::quote).collect(Collectors.joining("\\d+")) + "$");
    }

    /** Stops the daemon, then any worker of it still running. */
    @Override
    public void close() {
        List<ProcessHandle> workers = process.descendants().toList();
        Run.terminate(process);
        workers.forEach(ProcessHandle::destroyForcibly);
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A port nothing listens on now (another process could take it before the daemon: unlikely enough). */
    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
