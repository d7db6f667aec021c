// One running sftpd under test, on a free port of 127.0.0.1: its log, its workers, and its end by pid.
package dev.sftpd.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** {@code log}: where its log lines land, its output (-e) or, logging to syslog, the syslog file. */
public record DaemonProcess(Process process, int port, Path log) implements AutoCloseable {
    /** Stands for any port number in an expected log line ({@link #awaitLine}), as "port N" in sshd's manual. */
    public static final String ANY_PORT = "{port}";
    /** A line's start: in a syslog file, after "MMM dd HH:MM:SS host sftpd[pid]: ". */
    private static final String LINE = "(?m)^(?:\\w{3} [ \\d]\\d [\\d:]{8} \\S+ [\\w-]+\\[\\d+\\]: )?";
    private static final Pattern OPENED = Pattern.compile(LINE + "Connection from ");
    private static final Pattern ENDED = Pattern.compile(LINE
            + "(Disconnected from user |Connection closed by |Bad protocol version identification "
            + "|ssh_dispatch_run_fatal: |Unable to negotiate with |Timeout, client not responding from )");
    private static final Pattern SERVED = Pattern.compile(LINE + "transport (\\d+) serves \\S+ port (\\d+)$");

    /**
     * Starts {@code launcher -D -e -f CONFIG} in {@code dir} and waits until it listens. The test's
     * global lines come first in the configuration (as in sshd, the first value of a keyword wins),
     * then the kit's, then the test's Match blocks, which must come last.
     */
    public static DaemonProcess start(List<String> launcher, Path dir, Path hostKey, List<String> configLines) {
        return start(launcher, dir, hostKey, configLines, Optional.empty());
    }

    /**
     * The same; with {@code syslog} the daemon logs there as in production (no -e; the launcher must
     * be bin/sftpd, which passes SFTPD_JAVA_OPTS on), and the syslog file is its log.
     */
    public static DaemonProcess start(List<String> launcher, Path dir, Path hostKey, List<String> configLines,
            Optional<Rsyslog> syslog) {
        return start(launcher, dir, hostKey, configLines, syslog, Map.of());
    }

    /** As {@link #start(List, Path, Path, List, Optional)}, with these variables added to its environment. */
    public static DaemonProcess start(List<String> launcher, Path dir, Path hostKey, List<String> configLines,
            Optional<Rsyslog> syslog, Map<String, String> environment) {
        DaemonProcess daemon = spawn(launcher, dir, hostKey, configLines, syslog, environment);
        try {
            daemon.awaitLog("Server listening on 127.0.0.1 port " + daemon.port() + ".");
        } catch (AssertionError e) {
            daemon.close();
            throw syslog.isEmpty() ? e : new AssertionError(e.getMessage() + "\n--- daemon output\n"
                    + Text.read(dir.resolve("sftpd-" + daemon.port() + ".log")), e);
        }
        return daemon;
    }

    /** Starts the daemon and returns at once, before it listens. */
    public static DaemonProcess spawn(List<String> launcher, Path dir, Path hostKey, List<String> configLines,
            Optional<Rsyslog> syslog, Map<String, String> environment) {
        int port = freePort();
        Path config = dir.resolve("sftpd-" + port + ".conf");
        Path output = dir.resolve("sftpd-" + port + ".log");
        int match = 0;
        while (match < configLines.size() && !configLines.get(match).matches("(?i)\\s*match\\s.*")) {
            match++;
        }
        List<String> lines = new ArrayList<>(configLines.subList(0, match));
        lines.addAll(List.of("Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey,
                "PidFile " + dir.resolve("sftpd-" + port + ".pid"), "LogLevel VERBOSE",
                "ControlSocket " + dir.resolve("sftpd-" + port + ".control"),
                // Suites fail logins on purpose from 127.0.0.1, which sshd's defaults would soon refuse;
                // OpenSSH's own regression tests turn penalties off too. A test's options turn them on.
                "PerSourcePenalties no"));
        lines.addAll(configLines.subList(match, configLines.size()));
        try {
            Files.write(config, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new HashMap<>(environment);
        syslog.ifPresent(s -> env.put("SFTPD_JAVA_OPTS", "-Dsftpd.syslog.socket=" + s.socket()));
        return launch(launcher, config, port, output, syslog.map(Rsyslog::file).orElse(output), syslog.isEmpty(),
                env);
    }

    private static DaemonProcess launch(List<String> launcher, Path config, int port, Path output, Path log,
                                        boolean toStderr, Map<String, String> environment) {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("-D", "-f", config.toString()));
        if (toStderr) {
            command.add("-e");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(config.getParent().toFile())
                .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        try {
            return new DaemonProcess(builder.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
    }

    /**
     * Another daemon started with this one's configuration file, as a restart would start it
     * while this one still runs; it logs to a file of its own. Returns once it listens.
     */
    public DaemonProcess successor(List<String> launcher) {
        Path own = log.resolveSibling("sftpd-" + port + ".successor-" + System.nanoTime() + ".log");
        DaemonProcess next = launch(launcher, configFile(), port, own, own, true, Map.of());
        try {
            next.awaitLog("Server listening on 127.0.0.1 port " + port);
        } catch (AssertionError e) {
            next.close();
            throw e;
        }
        return next;
    }

    /** Its ControlSocket, unless the test's own lines named another. */
    public Path controlSocket() {
        return configFile().resolveSibling("sftpd-" + port + ".control");
    }

    /** OpenSSH's client on the daemon's control socket: {@code ssh -S SOCKET -O command x}. */
    public Outcome sshControl(String command) {
        return Run.run(List.of("ssh", "-F", "/dev/null", "-S", controlSocket().toString(), "-O", command, "x"),
                new byte[0]);
    }

    /** sftpd's own client on it: {@code sftpd -O command -S SOCKET}. */
    public Outcome sftpdControl(String command) {
        return Run.run(List.of(Sftpd.repository().resolve("bin/sftpd").toString(), "-O", command, "-S",
                controlSocket().toString()), new byte[0]);
    }

    /** The configuration file the daemon was started with (-f), beside its own log. */
    public Path configFile() {
        return log.resolveSibling("sftpd-" + port + ".conf");
    }

    /**
     * Rewrites the configuration file: these lines first, then the file's lines for every other
     * keyword (a keyword given here replaces all of its old lines, so a new Port moves the listener).
     */
    public void rewriteConfig(String... lines) {
        Set<String> replaced = Arrays.stream(lines).map(DaemonProcess::keyword).collect(Collectors.toSet());
        List<String> text = new ArrayList<>(List.of(lines));
        try {
            Files.readAllLines(configFile()).stream().filter(l -> !replaced.contains(keyword(l))).forEach(text::add);
            Files.write(configFile(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String keyword(String line) {
        return line.strip().split("[\\s=]", 2)[0].toLowerCase(Locale.ROOT);
    }

    /** kill -HUP, as an administrator (or systemd's ExecReload) sends it. */
    public void hangUp() {
        Run.checked("kill", "-HUP", Long.toString(pid()));
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logText() {
        return Text.read(log);
    }

    /** Waits for a log line containing {@code text}. */
    public void awaitLog(String text) {
        awaitLog(Pattern.compile(Pattern.quote(text)));
    }

    /** Waits until the log matches {@code pattern} and returns the first match. */
    public MatchResult awaitLog(Pattern pattern) {
        Matcher[] match = new Matcher[1];
        await(() -> (match[0] = pattern.matcher(logText())).find(), () -> "no log line matching /" + pattern + "/");
        return match[0].toMatchResult();
    }

    /**
     * Waits until the log has the line {@code expected}, whole (after any syslog prefix), where
     * {@link #ANY_PORT} stands for a port number.
     */
    public void awaitLine(String expected) {
        Pattern line = linePattern(expected);
        await(() -> line.matcher(logText()).find(), () -> "no log line \"" + expected + "\"");
    }

    /** A log line that is {@code expected} after any syslog prefix, {@link #ANY_PORT} standing for a number. */
    public static Pattern linePattern(String expected) {
        return Pattern.compile("(?m)(?:^|: )" + Stream.of(expected.split(Pattern.quote(ANY_PORT), -1))
                .map(Pattern::quote).collect(Collectors.joining("\\d+")) + "$");
    }

    /** Every match of {@code pattern} in the log so far. */
    public List<MatchResult> logMatches(Pattern pattern) {
        return pattern.matcher(logText()).results().toList();
    }

    /** The daemon's live children: pooled and serving transports, and the engines' session shells. */
    public List<Long> children() {
        return ProcFs.children(pid());
    }

    /** The transport the daemon handed the connection from this local port of 127.0.0.1 to. */
    public long awaitTransport(int clientPort) {
        return Long.parseLong(awaitLog(Pattern.compile("(?m)^transport (\\d+) serves 127\\.0\\.0\\.1 port "
                + clientPort + "$")).group(1));
    }

    /** Clients of this daemon. */
    public OpenSsh clients() {
        return new OpenSsh(this);
    }

    /**
     * Opens an sftp session as this user and finds its processes: the transport handed the
     * newest connection, and the session's shell, the daemon's child that carries the user's
     * audit loginuid (pooled engines carry none), with its engine.
     */
    public UserSession openSession(SystemUser user) {
        return openSession(user, List.of());
    }

    /** {@link #openSession(SystemUser)} with these sftp options first (e.g. "-l", "8192" to go slowly). */
    public UserSession openSession(SystemUser user, List<String> options) {
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
            int clientPort = Integer.parseInt(logMatches(SERVED).get(served).group(2));
            return new UserSession(client, clientPort, transport, session[0], engine[0]);
        } catch (AssertionError e) {
            client.close();
            throw e;
        }
    }

    /** Waits until {@code condition} holds; a failure shows the daemon's state and log. */
    public void await(BooleanSupplier condition, Supplier<String> failure) {
        Poll.until(condition, () -> failure.get() + "; daemon " + (isAlive() ? "running" : "exited")
                + "; its log:\n" + logText());
    }

    /**
     * SIGKILL to the serving transports left over; once the daemon has logged the end of every connection
     * (and so recorded every logout), SIGTERM to the daemon, and SIGKILL if it does not go within 10 s;
     * then SIGKILL to any worker of it still running.
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
            List<ProcessHandle> workers = process.descendants().toList();
            Run.terminate(process);
            workers.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** A port nothing listens on now (another process could take it before we do: unlikely enough). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
