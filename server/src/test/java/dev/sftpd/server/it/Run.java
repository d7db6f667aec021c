// Runs a program to completion within the time limit every process in these tests gets.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

final class Run {
    static final Duration LIMIT = Duration.ofSeconds(60);

    private Run() {}

    /** Runs a command that must succeed: set-up steps such as useradd and ssh-keygen. */
    static Outcome checked(String... command) {
        return run(List.of(command), new byte[0]).assertExit(0);
    }

    /**
     * Runs {@code command} with {@code stdin} as its input. Output goes to files rather than pipes, so
     * nothing a child leaves running can hold the run open; a run over the limit is killed and fails.
     */
    static Outcome run(List<String> command, byte[] stdin) {
        return run(command, stdin, LIMIT);
    }

    /** As {@link #run(List, byte[])}, for a program known to take longer (a package build). */
    static Outcome run(List<String> command, byte[] stdin, Duration limit) {
        Path in = null;
        Path out = null;
        Path err = null;
        try {
            in = Files.write(Files.createTempFile("sftpd-it-in", ""), stdin);
            out = Files.createTempFile("sftpd-it-out", "");
            err = Files.createTempFile("sftpd-it-err", "");
            Process process = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                stop(process);
                fail(command + " did not finish within " + limit.toSeconds() + " s\n--- stdout\n"
                        + Files.readString(out, StandardCharsets.ISO_8859_1) + "\n--- stderr\n"
                        + Files.readString(err, StandardCharsets.ISO_8859_1));
            }
            // Latin-1 keeps every byte as one char: binary output (an SFTP reply) stays comparable.
            return new Outcome(command, process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException("running " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        } finally {
            deleteAll(in, out, err);
        }
    }

    /** Kills a process we started and what it started in turn, and waits until it is gone. */
    static void stop(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
    }

    private static void deleteAll(Path... paths) {
        for (Path p : paths) {
            try {
                if (p != null) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // A leftover scratch file in the temp directory is harmless.
            }
        }
    }
}
