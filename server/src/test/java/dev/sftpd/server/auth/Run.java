// Runs one program to its end within the time limit every process of these tests gets.
package dev.sftpd.server.auth;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

final class Run {
    static final Duration LIMIT = Duration.ofSeconds(60);

    private Run() {}

    /** A set-up step that must succeed: useradd, ssh-keygen and the like. */
    static Outcome checked(String... command) {
        return checkedWithInput("", command);
    }

    /** A set-up step fed {@code stdin} (chpasswd reads "user:password" there). */
    static Outcome checkedWithInput(String stdin, String... command) {
        return run(List.of(command), Map.of(), stdin).assertExit(0);
    }

    /**
     * Runs {@code command} with {@code env} added to ours and {@code stdin} as its input. Output goes
     * to files, not pipes, so nothing the program leaves running can hold the run open; a run over
     * the limit is killed and fails the test.
     */
    static Outcome run(List<String> command, Map<String, String> env, String stdin) {
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("sftpd-auth-run-");
            Path in = Files.writeString(scratch.resolve("in"), stdin);
            Path out = scratch.resolve("out");
            Path err = scratch.resolve("err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectInput(in.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (process.onExit().completeOnTimeout(null, LIMIT.toSeconds(), TimeUnit.SECONDS).join() == null) {
                stop(process);
                fail(command + " ran over " + LIMIT.toSeconds() + " s; stderr so far:\n" + read(err));
            }
            return new Outcome(command, process.exitValue(), read(out), read(err), "");
        } catch (IOException e) {
            throw new UncheckedIOException("running " + command, e);
        } finally {
            Scratch.delete(scratch);
        }
    }

    /** Kills a process this test started, with what it started in turn, and waits until it is gone. */
    static void stop(Process process) {
        Stream.concat(process.descendants(), Stream.of(process.toHandle())).forEach(ProcessHandle::destroyForcibly);
        process.onExit().join();
    }

    /** SIGTERM to a daemon this test started, as an administrator stops one; SIGKILL if it is not gone in 10 s. */
    static void terminate(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A file another process writes, as it is now (missing: empty); Latin-1 so no byte can fail decoding. */
    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
