// What one finished program run printed and returned, with the assertions the tests make on it.
package dev.sftpd.sftp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;

/**
 * For an sftp batch, stdout holds the echoed commands and listings, stderr the client's errors and, because
 * the server runs with -e, the server's log. Every failed assertion prints the whole transcript.
 */
record Outcome(List<String> command, int exitCode, String stdout, String stderr) {
    private static final Pattern EXTENSION = Pattern.compile(
            "(?:Server supports extension|Unrecognised server extension) \"([^\"]+)\"(?: revision (\\d+))?");

    Outcome assertExit(int expected) {
        assertEquals(expected, exitCode, () -> "exit status of " + this);
        return this;
    }

    Outcome assertStdout(String... fragments) {
        return assertHas("stdout", stdout, fragments);
    }

    Outcome assertStderr(String... fragments) {
        return assertHas("stderr", stderr, fragments);
    }

    Outcome assertStderrLacks(String fragment) {
        assertFalse(stderr.contains(fragment), () -> "stderr should not contain \"" + fragment + "\" in " + this);
        return this;
    }

    private Outcome assertHas(String stream, String text, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(text.contains(fragment), () -> stream + " should contain \"" + fragment + "\" in " + this);
        }
        return this;
    }

    /** The lines of stdout that follow the echo of {@code command} up to the next echoed command. */
    List<String> outputOf(String command) {
        List<String> lines = stdout.lines().toList();
        int echo = lines.indexOf("sftp> " + command);
        assertTrue(echo >= 0, () -> "no echo of \"" + command + "\" in " + this);
        return lines.stream().skip(echo + 1L).takeWhile(line -> !line.startsWith("sftp> ")).toList();
    }

    /**
     * The server's VERSION extensions in the order a verbose client reports them: "name revision" for those
     * it knows, the bare name for those it does not.
     */
    List<String> advertisedExtensions() {
        return EXTENSION.matcher(stderr).results()
                .map(m -> m.group(2) == null ? m.group(1) : m.group(1) + " " + m.group(2))
                .toList();
    }

    @Override
    public String toString() {
        return String.join(" ", command) + "\n--- exit status " + exitCode + "\n--- stdout\n" + stdout
                + "--- stderr\n" + stderr + "---";
    }
}
