// What one finished program printed and returned; a failed assertion prints all of it.
package dev.sftpd.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code serverLog}: for a client's run against a daemon, the daemon's log as it was when the client
 * was done ("" otherwise), so that a failed assertion shows both sides.
 */
public record Outcome(List<String> command, int exitCode, String stdout, String stderr, String serverLog) {
    /** What sftp prints for a batch's "pwd": only an authenticated session gets this far. */
    private static final String WORKING_DIRECTORY = "Remote working directory: ";
    private static final Pattern EXTENSION = Pattern.compile(
            "(?:Server supports extension|Unrecognised server extension) \"([^\"]+)\"(?: revision (\\d+))?");

    public Outcome(List<String> command, int exitCode, String stdout, String stderr) {
        this(command, exitCode, stdout, stderr, "");
    }

    public Outcome withServerLog(String log) {
        return new Outcome(command, exitCode, stdout, stderr, log);
    }

    public Outcome assertExit(int expected) {
        assertEquals(expected, exitCode, () -> "exit status of " + this);
        return this;
    }

    public Outcome assertStdout(String... fragments) {
        return assertHas("stdout", stdout, fragments);
    }

    public Outcome assertStderr(String... fragments) {
        return assertHas("stderr", stderr, fragments);
    }

    public Outcome assertStdoutLacks(String fragment) {
        assertFalse(stdout.contains(fragment), () -> "stdout should not contain \"" + fragment + "\" in " + this);
        return this;
    }

    public Outcome assertStderrLacks(String fragment) {
        assertFalse(stderr.contains(fragment), () -> "stderr should not contain \"" + fragment + "\" in " + this);
        return this;
    }

    private Outcome assertHas(String stream, String text, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(text.contains(fragment), () -> stream + " should contain \"" + fragment + "\" in " + this);
        }
        return this;
    }

    /** The sftp client logged in and its session answered "pwd" with {@code home}. */
    public Outcome assertSessionIn(Path home) {
        assertExit(0);
        assertTrue(stdout.contains(WORKING_DIRECTORY + home + "\n"), () -> "no session in " + home + ": " + this);
        return this;
    }

    /** The sftp client failed without a session. */
    public Outcome assertNoSession() {
        assertNotEquals(0, exitCode, () -> "the client should have failed: " + this);
        assertFalse(stdout.contains(WORKING_DIRECTORY), () -> "the client should have had no session: " + this);
        return this;
    }

    /** The client got no session and said why with {@code message}. */
    public Outcome assertRefused(String message) {
        assertNoSession();
        assertTrue(stderr.contains(message), () -> "the client should have said \"" + message + "\": " + this);
        return this;
    }

    public Outcome assertPermissionDenied() {
        return assertRefused("Permission denied");
    }

    /** The lines of an sftp batch's stdout that follow the echo of {@code command} up to the next echoed command. */
    public List<String> outputOf(String command) {
        List<String> lines = stdout.lines().toList();
        int echo = lines.indexOf("sftp> " + command);
        assertTrue(echo >= 0, () -> "no echo of \"" + command + "\" in " + this);
        return lines.stream().skip(echo + 1L).takeWhile(line -> !line.startsWith("sftp> ")).toList();
    }

    /**
     * The server's VERSION extensions in the order a verbose sftp client (-vv) reports them: "name
     * revision" for those it knows, the bare name for those it does not.
     */
    public List<String> advertisedExtensions() {
        return EXTENSION.matcher(stderr).results()
                .map(m -> m.group(2) == null ? m.group(1) : m.group(1) + " " + m.group(2))
                .toList();
    }

    @Override
    public String toString() {
        return String.join(" ", command) + "\n--- exit status " + exitCode + "\n--- stdout\n" + stdout
                + "\n--- stderr\n" + stderr + (serverLog.isEmpty() ? "" : "\n--- server log\n" + serverLog) + "\n---";
    }
}
