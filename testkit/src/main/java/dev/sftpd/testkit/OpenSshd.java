// OpenSSH's own sshd (Subsystem sftp internal-sftp) on a free port of 127.0.0.1, for the rows that compare with it.
package dev.sftpd.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The binary is the property sftpd.sshd, else /usr/sbin/sshd; without one the comparison is
 * skipped. As bench/sftpd-vs-sshd: UsePAM no, publickey only, so the users it lets in must not
 * be locked (a "*" password rather than useradd's "!"). sshd needs its privilege separation
 * user and /run/sshd; the user is made for the test if missing and removed after it.
 */
public record OpenSshd(Process process, int port, Path logFile, boolean madeUser) implements AutoCloseable {
    private static final String PRIVSEP_USER = "sshd";

    public static OpenSshd start(Path dir, Path hostKey, SystemUser... users) {
        Path sshd = Path.of(System.getProperty("sftpd.sshd", "/usr/sbin/sshd"));
        Assumptions.assumeTrue(Files.isExecutable(sshd), "OpenSSH's sshd is not installed (" + sshd
                + "; set -Dsftpd.sshd=PATH): no comparison with it");
        boolean madeUser = Run.run(List.of("getent", "passwd", PRIVSEP_USER), new byte[0]).exitCode() != 0;
        if (madeUser) {
            Run.checked("useradd", "--system", "--no-create-home", "--home-dir", "/run/sshd", "--shell",
                    "/usr/sbin/nologin", PRIVSEP_USER);
        }
        for (SystemUser user : users) {
            Run.checked("usermod", "-p", "*", user.name());
        }
        int port = DaemonProcess.freePort();
        Path config = dir.resolve("sshd-" + port + ".conf");
        Path log = dir.resolve("sshd-" + port + ".log");
        try {
            Files.createDirectories(Path.of("/run/sshd"));
            Files.write(config, List.of("Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey,
                    "PidFile " + dir.resolve("sshd-" + port + ".pid"), "LogLevel VERBOSE", "UsePAM no",
                    "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin no",
                    "AuthorizedKeysFile .ssh/authorized_keys", "PrintMotd no", "X11Forwarding no",
                    "Subsystem sftp internal-sftp -l VERBOSE"));
            Process p = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", config.toString())
                    .redirectInput(new File("/dev/null")).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            OpenSshd started = new OpenSshd(p, port, log, madeUser);
            Poll.until(() -> Text.read(log).contains("Server listening on 127.0.0.1 port " + port + "."),
                    () -> "sshd did not start: " + Text.read(log));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + sshd, e);
        }
    }

    public String log() {
        return Text.read(logFile);
    }

    /**
     * Every connection that started a session has ended. (internal-sftp's own lines, such as its
     * forced close, go to syslog whatever sshd's -e says: -e for it would send them to the client.)
     */
    public boolean sessionsEnded() {
        String text = log();
        // A client that says goodbye: "Disconnected from user"; one that vanished: "Closing connection to".
        return count(text, "Starting session: ")
                == count(text, "Disconnected from user ") + count(text, "Closing connection to ");
    }

    /** Prints sshd's log lines that contain any of these, for the comparison tables. */
    public void printLines(String... fragments) {
        log().lines().filter(l -> Arrays.stream(fragments).anyMatch(l::contains))
                .forEach(l -> System.out.println("sshd log: " + l));
    }

    private static long count(String text, String fragment) {
        return text.lines().filter(l -> l.contains(fragment)).count();
    }

    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (madeUser) {
                Run.run(List.of("userdel", PRIVSEP_USER), new byte[0]);
            }
        }
    }
}
