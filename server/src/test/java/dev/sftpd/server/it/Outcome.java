// What one finished client or daemon run printed and returned; a failed assertion prints all of it.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

record Outcome(List<String> command, int exitCode, String stdout, String stderr) {

    Outcome assertExit(int expected) {
        assertEquals(expected, exitCode, () -> "exit status of " + this);
        return this;
    }

    Outcome assertStdout(String... fragments) {
        for (String fragment : fragments) {
            assertTrue(stdout.contains(fragment), () -> "stdout should contain \"" + fragment + "\" in " + this);
        }
        return this;
    }

    Outcome assertStderr(String... fragments) {
        for (String fragment : fragments) {
            assertTrue(stderr.contains(fragment), () -> "stderr should contain \"" + fragment + "\" in " + this);
        }
        return this;
    }

    Outcome assertStdoutLacks(String fragment) {
        assertFalse(stdout.contains(fragment), () -> "stdout should not contain \"" + fragment + "\" in " + this);
        return this;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + "\n--- exit status " + exitCode + "\n--- stdout\n" + stdout
                + "\n--- stderr\n" + stderr + "\n---";
    }
}
