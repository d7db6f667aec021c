// OpenSSH's sftp run against one daemon as a user would, with passwords typed by an SSH_ASKPASS program.
package dev.sftpd.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * No user or system ssh configuration, agent or known hosts take part. The askpass program answers
 * every prompt with the login's password and notes the time it was asked, so a test can tell how
 * many prompts there were and how long the server took over each refused answer.
 */
record Client(Daemon daemon, Path askpass, Path dir) {
    private static final String ASKPASS = """
            #!/bin/sh
            # Answers an ssh prompt with the test's password and notes when it was asked.
            date +%s%N >> "$SFTPD_TEST_PROMPTS"
            printf '%s\\n' "$SFTPD_TEST_PASSWORD"
            """;

    /** A client of {@code daemon}, keeping its askpass program and notes in {@code dir}. */
    static Client of(Daemon daemon, Path dir) {
        Path askpass = dir.resolve("askpass");
        try {
            if (!Files.exists(askpass)) {
                Files.writeString(askpass, ASKPASS);
                askpass.toFile().setExecutable(true, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Client(daemon, askpass, dir);
    }

    /** What the client printed, and when (System-wide nanoseconds) it was asked for a password. */
    record Prompted(Outcome outcome, List<Long> promptTimes) {
        int prompts() {
            return promptTimes.size();
        }

        /** From each prompt to the next: how long the server took to refuse the answer in between. */
        List<Duration> pauses() {
            List<Duration> pauses = new ArrayList<>();
            for (int i = 1; i < promptTimes.size(); i++) {
                pauses.add(Duration.ofNanos(promptTimes.get(i) - promptTimes.get(i - 1)));
            }
            return pauses;
        }
    }

    /** {@code sftp -b -} with the batch "pwd" as {@code user}. */
    Outcome pwd(String user, Login login) {
        return prompted(user, login).outcome();
    }

    /** {@link #pwd}, also returning when the password prompts came. */
    Prompted prompted(String user, Login login) {
        try {
            Path prompts = Files.createTempFile(dir, "prompts-", "");
            // BatchMode=no before -b (which sets BatchMode=yes): the first value wins, so prompts stay allowed.
            List<String> command = new ArrayList<>(List.of("sftp", "-F", "/dev/null", "-o", "BatchMode=no"));
            List<String> options = new ArrayList<>(login.options());
            options.addAll(List.of("IdentitiesOnly=yes", "IdentityAgent=none", "StrictHostKeyChecking=no",
                    "UserKnownHostsFile=/dev/null", "LogLevel=ERROR", "ConnectTimeout=30"));
            options.forEach(o -> command.addAll(List.of("-o", o)));
            command.addAll(List.of("-P", Integer.toString(daemon.port()), "-b", "-", user + "@127.0.0.1"));
            Outcome outcome = Run.run(command, Map.of("SSH_ASKPASS", askpass.toString(), "SSH_ASKPASS_REQUIRE",
                    "force", "SFTPD_TEST_PASSWORD", login.password(), "SFTPD_TEST_PROMPTS", prompts.toString()),
                    "pwd\n").withServerLog(Run.read(daemon.log()));
            List<Long> times = Files.readAllLines(prompts).stream().map(Long::valueOf).toList();
            Files.delete(prompts);
            return new Prompted(outcome, times);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
