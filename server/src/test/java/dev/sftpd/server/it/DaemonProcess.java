// One running sftpd under test, on a free port of 127.0.0.1: its log, its workers, and its end by pid.
package dev.sftpd.server.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

record DaemonProcess(Process process, int port, Path log) implements AutoCloseable {
    private static final Pattern OPENED = Pattern.compile("(?m)^Connection from ");
    private static final Pattern ENDED = Pattern.compile(
            "(?m)^(Disconnected from user |Connection closed by |Bad protocol version identification "
            + "|ssh_dispatch_run_fatal: |Unable to negotiate with )");
    private static final Pattern SERVED = Pattern.compile("(?m)^transport (\\d+) serves ");

    /**
     * Starts {@code launcher -D -e -f CONFIG} in {@code dir} and waits until it listens. The test's
     * lines come first in the configuration: as in sshd, the first value of a keyword wins.
     */
    static DaemonProcess start(List<String> launcher, Path dir, Path hostKey, List<String> configLines) {
        return start(launcher, dir, hostKey, configLines, java.util.Map.of());
    }

    /** As {@link #start(List, Path, Path, List)}, with these variables added to the daemon's environment. */
    static DaemonProcess start(List<String> launcher, Path dir, Path hostKey, List<String> configLines,
                               java.util.Map<String, String> environment) {
        DaemonProcess daemon = spawn(launcher, dir, hostKey, configLines, environment);
        try {
            daemon.awaitLog("Server listening on 127.0.0.1 port " + daemon.port() + ".");
        } catch (AssertionError e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    /** Starts the daemon and returns at once, before it listens. */
    static DaemonProcess spawn(List<String> launcher, Path dir, Path hostKey, List<String> configLines,
                               java.util.Map<String, String> environment) {
        int port = freePort();
        Path config = dir.resolve("sftpd-" + port + ".conf");
        Path log = dir.resolve("sftpd-" + port + ".log");
        List<String> lines = new ArrayList<>(configLines);
        lines.addAll(List.of("Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey,
                "PidFile " + dir.resolve("sftpd-" + port + ".pid"), "LogLevel VERBOSE",
                "ControlSocket " + dir.resolve("sftpd-" + port + ".control")));
        try {
            Files.write(config, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return launch(launcher, config, port, log, environment);
    }

    private static DaemonProcess launch(List<String> launcher, Path config, int port, Path log,
                                        java.util.Map<String, String> environment) {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("-D", "-e", "-f", config.toString()));
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            return new DaemonProcess(builder.directory(config.getParent().toFile())
                    .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
    }

    /**
     * Another daemon started with this one's configuration file, as a restart would start it
     * while this one still runs; it logs to a file of its own. Returns once it listens.
     */
    DaemonProcess successor(List<String> launcher) {
        DaemonProcess next = launch(launcher, configFile(), port,
                log.resolveSibling("sftpd-" + port + ".successor-" + System.nanoTime() + ".log"), java.util.Map.of());
        try {
            next.awaitLog("Server listening on 127.0.0.1 port " + port);
        } catch (AssertionError e) {
            next.close();
            throw e;
        }
        return next;
    }

    long pid() {
        return process.pid();
    }

    /** Its ControlSocket, unless the test's own lines named another. */
    Path controlSocket() {
        return log.resolveSibling("sftpd-" + port + ".control");
    }

    /** OpenSSH's client on the daemon's control socket: {@code ssh -S SOCKET -O command x}. */
    Outcome sshControl(String command) {
        return Run.run(List.of("ssh", "-F", "/dev/null", "-S", controlSocket().toString(), "-O", command, "x"),
                new byte[0]);
    }

    /** sftpd's own client on it: {@code sftpd -O command -S SOCKET}. */
    Outcome sftpdControl(String command) {
        return Run.run(List.of(Sftpd.repository().resolve("bin/sftpd").toString(), "-O", command, "-S",
                controlSocket().toString()), new byte[0]);
    }

    /** The configuration file the daemon was started with (-f). */
    Path configFile() {
        return log.resolveSibling("sftpd-" + port + ".conf");
    }

    /**
     * Rewrites the configuration file: these lines first, then the file's lines for every other
     * keyword (a keyword given here replaces all of its old lines, so a new Port moves the listener).
     */
    void rewriteConfig(String... lines) {
        java.util.Set<String> replaced = java.util.Arrays.stream(lines).map(DaemonProcess::keyword)
                .collect(java.util.stream.Collectors.toSet());
        List<String> text = new ArrayList<>(List.of(lines));
        try {
            Files.readAllLines(configFile()).stream().filter(l -> !replaced.contains(keyword(l))).forEach(text::add);
            Files.write(configFile(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String keyword(String line) {
        return line.strip().split("[\\s=]", 2)[0].toLowerCase(java.util.Locale.ROOT);
    }

    /** kill -HUP, as an administrator (or systemd's ExecReload) sends it. */
    void hangUp() {
        Run.checked("kill", "-HUP", Long.toString(pid()));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logText() {
        return Text.read(log);
    }

    /** Waits for a log line containing {@code text}. */
    void awaitLog(String text) {
        awaitLog(Pattern.compile(Pattern.quote(text)));
    }

    /** Waits until the log matches {@code pattern} and returns the first match. */
    MatchResult awaitLog(Pattern pattern) {
        Matcher[] match = new Matcher[1];
        await(() -> (match[0] = pattern.matcher(logText())).find(), () -> "no log line matching /" + pattern + "/");
        return match[0].toMatchResult();
    }

    /** Every match of {@code pattern} in the log so far. */
    List<MatchResult> logMatches(Pattern pattern) {
        return pattern.matcher(logText()).results().toList();
    }

    /** The daemon's live children: pooled and serving transports, and the engines' session shells. */
    List<Long> children() {
        return ProcFs.children(pid());
    }

    /** The transport the daemon handed the connection from this local port of 127.0.0.1 to. */
    long awaitTransport(int clientPort) {
        return Long.parseLong(awaitLog(Pattern.compile("(?m)^transport (\\d+) serves 127\\.0\\.0\\.1 port "
                + clientPort + "$")).group(1));
    }

    /**
     * Opens an sftp session as this user and finds its processes: the transport handed the
     * newest connection, and the session's shell, the daemon's child that carries the user's
     * audit loginuid (pooled engines carry none), with its engine.
     */
    UserSession openSession(SystemUser user) {
        return openSession(user, List.of());
    }

    /** As {@link #openSession(SystemUser)}, with these sftp options first (e.g. -l to limit the rate). */
    UserSession openSession(SystemUser user, List<String> options) {
        int served = logMatches(SERVED).size();
        OpenSftp client = new OpenSsh(port).openSftp(user, options);
        try {
            await(() -> logMatches(SERVED).size() > served, () -> "no transport for the new connection");
            long transport = Long.parseLong(logMatches(SERVED).get(served).group(1));
            long[] session = new long[1];
            await(() -> (session[0] = children().stream().filter(pid -> ProcFs.loginUid(pid) == user.uid())
                    .findFirst().orElse(-1L)) > 0, () -> "no session process with loginuid " + user.uid());
            long[] engine = new long[1];
            await(() -> !ProcFs.children(session[0]).isEmpty(), () -> "session " + session[0] + " has no engine");
            engine[0] = ProcFs.children(session[0]).get(0);
            return new UserSession(client, transport, session[0], engine[0]);
        } catch (AssertionError e) {
            client.close();
            throw e;
        }
    }

    /** Waits until {@code condition} holds; a failure shows the daemon's state and log. */
    void await(BooleanSupplier condition, Supplier<String> failure) {
        Poll.until(condition, () -> failure.get() + "; daemon " + (isAlive() ? "running" : "exited")
                + "; its log:\n" + logText());
    }

    /**
     * SIGKILL to the serving transports left over; once the daemon has logged the end of every connection
     * (and so recorded every logout), SIGTERM to the daemon, and SIGKILL if it does not go within 10 s.
     */
    @Override
    public void close() {
        try {
            if (isAlive()) {
                logMatches(SERVED).stream().map(m -> Long.parseLong(m.group(1)))
                        .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                await(() -> logMatches(OPENED).size() == logMatches(ENDED).size(),
                        () -> "connections whose end the daemon did not log");
            }
        } finally {
            stop();
        }
    }

    private void stop() {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A port nothing listens on now (another process could take it before we do: unlikely enough). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
