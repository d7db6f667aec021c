// OpenSSH's sftp and ssh clients pointed at one daemon, with no user configuration, agent or known hosts.
package dev.sftpd.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keys log in in batch mode ({@link #sftp}, {@link #ssh}); passwords are typed by an SSH_ASKPASS
 * program ({@link #pwd}, {@link #prompted}) that answers every prompt with the login's password and
 * notes when it was asked, so a test can tell how many prompts there were and how long the server
 * took over each refused answer. Made from a daemon, every outcome carries the daemon's log.
 */
public final class OpenSsh {
    private static final String ASKPASS = """
            #!/bin/sh
            # Answers an ssh prompt with the test's password and notes when it was asked.
            date +%s%N >> "$SFTPD_TEST_PROMPTS"
            printf '%s\\n' "$SFTPD_TEST_PASSWORD"
            """;

    private final int port;
    private final Path serverLog;

    /** Clients of whatever listens on this port of 127.0.0.1. */
    public OpenSsh(int port) {
        this(port, null);
    }

    /** Clients of {@code daemon}, whose log every outcome carries. */
    public OpenSsh(DaemonProcess daemon) {
        this(daemon.port(), daemon.log());
    }

    private OpenSsh(int port, Path serverLog) {
        this.port = port;
        this.serverLog = serverLog;
    }

    /** {@code sftp -b -} as the user, the batch on stdin; a failing command ends the batch with status 1. */
    public Outcome sftp(SystemUser user, String... batch) {
        return sftp(user.name(), user.key(), batch);
    }

    /** sftp as any login name with any key, for the refusals. */
    public Outcome sftp(String login, Path key, String... batch) {
        return sftp(login, key, List.of(), batch);
    }

    /** {@code sftp -b -} with these ssh options first (e.g. a ControlPath to share one connection). */
    public Outcome sftp(SystemUser user, List<String> options, String... batch) {
        return sftp(user.name(), user.key(), options, batch);
    }

    private Outcome sftp(String login, Path key, List<String> options, String... batch) {
        return withLog(Run.run(sftpCommand(login, key, options),
                (String.join("\n", batch) + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** An sftp session that stays open while the test looks at the server. */
    public OpenSftp openSftp(SystemUser user) {
        return openSftp(user, List.of());
    }

    public OpenSftp openSftp(SystemUser user, List<String> options) {
        return OpenSftp.start(sftpCommand(user.name(), user.key(), options));
    }

    /** {@code ssh [options] user@127.0.0.1 [command]} with stdin from /dev/null. */
    public Outcome ssh(SystemUser user, List<String> options, String... command) {
        return ssh(user, new byte[0], options, command);
    }

    public Outcome ssh(SystemUser user, byte[] stdin, List<String> options, String... command) {
        return withLog(Run.run(sshCommand(user, options, command), stdin));
    }

    /** The ssh command line; {@code options} come first, so they win over the defaults here. */
    public List<String> sshCommand(SystemUser user, List<String> options, String... command) {
        List<String> c = new ArrayList<>(List.of("ssh"));
        c.addAll(options);
        c.addAll(List.of("-p", Integer.toString(port)));
        c.addAll(common(user.key()));
        c.add(user.name() + "@127.0.0.1");
        c.addAll(List.of(command));
        return c;
    }

    private List<String> sftpCommand(String login, Path key, List<String> options) {
        List<String> c = new ArrayList<>(List.of("sftp"));
        c.addAll(options);
        c.addAll(List.of("-P", Integer.toString(port)));
        c.addAll(common(key));
        c.addAll(List.of("-b", "-", login + "@127.0.0.1"));
        return c;
    }

    private static List<String> common(Path key) {
        return List.of("-F", "/dev/null", "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=30",
                "-o", "LogLevel=ERROR");
    }

    /** What the client printed, and when (System-wide nanoseconds) it was asked for a password. */
    public record Prompted(Outcome outcome, List<Long> promptTimes) {
        public int prompts() {
            return promptTimes.size();
        }

        /** From each prompt to the next: how long the server took to refuse the answer in between. */
        public List<Duration> pauses() {
            List<Duration> pauses = new ArrayList<>();
            for (int i = 1; i < promptTimes.size(); i++) {
                pauses.add(Duration.ofNanos(promptTimes.get(i) - promptTimes.get(i - 1)));
            }
            return pauses;
        }
    }

    /** {@code sftp -b -} with the batch "pwd" as {@code user}, logging in as {@code login} says. */
    public Outcome pwd(String user, Login login) {
        return prompted(user, login).outcome();
    }

    /** {@link #pwd}, also returning when the password prompts came. */
    public Prompted prompted(String user, Login login) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("sftpd-askpass-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path askpass = Files.writeString(dir.resolve("askpass"), ASKPASS);
            Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
            Path prompts = Files.createFile(dir.resolve("prompts"));
            // BatchMode=no before -b (which sets BatchMode=yes): the first value wins, so prompts stay allowed.
            List<String> command = new ArrayList<>(List.of("sftp", "-F", "/dev/null", "-o", "BatchMode=no"));
            List<String> options = new ArrayList<>(login.options());
            options.addAll(List.of("IdentitiesOnly=yes", "IdentityAgent=none", "StrictHostKeyChecking=no",
                    "UserKnownHostsFile=/dev/null", "LogLevel=ERROR", "ConnectTimeout=30"));
            options.forEach(o -> command.addAll(List.of("-o", o)));
            command.addAll(List.of("-P", Integer.toString(port), "-b", "-", user + "@127.0.0.1"));
            Outcome outcome = withLog(Run.run(command, Map.of("SSH_ASKPASS", askpass.toString(),
                    "SSH_ASKPASS_REQUIRE", "force", "SFTPD_TEST_PASSWORD", login.password(),
                    "SFTPD_TEST_PROMPTS", prompts.toString()), "pwd\n"));
            return new Prompted(outcome, Files.readAllLines(prompts).stream().map(Long::valueOf).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Scratch.delete(dir);
        }
    }

    private Outcome withLog(Outcome outcome) {
        return serverLog == null ? outcome : outcome.withServerLog(Text.read(serverLog));
    }
}
