// What one finished program printed and returned, with the checks the tests make of a client's run.
package dev.sftpd.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

/** {@code serverLog}: for a client's run, the daemon's log as it was when the client was done ("" otherwise). */
record Outcome(List<String> command, int exitCode, String stdout, String stderr, String serverLog) {
    /** What sftp prints for the batch's "pwd": only an authenticated session gets this far. */
    private static final String WORKING_DIRECTORY = "Remote working directory: ";

    Outcome withServerLog(String log) {
        return new Outcome(command, exitCode, stdout, stderr, log);
    }

    Outcome assertExit(int expected) {
        assertEquals(expected, exitCode, () -> "exit status of " + this);
        return this;
    }

    /** The client logged in and its session answered "pwd" with the user's home. */
    Outcome assertSessionIn(Path home) {
        assertExit(0);
        assertTrue(stdout.contains(WORKING_DIRECTORY + home + "\n"), () -> "no session in " + home + ": " + this);
        return this;
    }

    /** The client failed without a session. */
    Outcome assertNoSession() {
        assertNotEquals(0, exitCode, () -> "the client should have failed: " + this);
        assertFalse(stdout.contains(WORKING_DIRECTORY), () -> "the client should have had no session: " + this);
        return this;
    }

    /** The client got no session and said why with {@code message}. */
    Outcome assertRefused(String message) {
        assertNoSession();
        assertTrue(stderr.contains(message), () -> "the client should have said \"" + message + "\": " + this);
        return this;
    }

    Outcome assertPermissionDenied() {
        return assertRefused("Permission denied");
    }

    @Override
    public String toString() {
        return String.join(" ", command) + "\n--- exit status " + exitCode + "\n--- stdout\n" + stdout
                + "\n--- stderr\n" + stderr + (serverLog.isEmpty() ? "" : "\n--- server log\n" + serverLog) + "\n---";
    }
}
