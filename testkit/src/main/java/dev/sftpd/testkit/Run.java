// Runs a program to completion within the time limit every process in these tests gets.
package dev.sftpd.testkit;

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

public final class Run {
    public static final Duration LIMIT = Duration.ofSeconds(60);

    private Run() {}

    /** Runs a command that must succeed: set-up steps such as useradd and ssh-keygen. */
    public static Outcome checked(String... command) {
        return checkedWithInput("", command);
    }

    /** A set-up step fed {@code stdin} (chpasswd reads "user:password" there). */
    public static Outcome checkedWithInput(String stdin, String... command) {
        return run(List.of(command), Map.of(), stdin).assertExit(0);
    }

    /** Runs {@code command} with {@code stdin} as its input. */
    public static Outcome run(List<String> command, byte[] stdin) {
        return run(command, null, Map.of(), stdin);
    }

    /** As {@link #run(List, byte[])}, for a program known to take longer than {@link #LIMIT} (a package build). */
    public static Outcome run(List<String> command, byte[] stdin, Duration limit) {
        return run(command, null, Map.of(), stdin, limit);
    }

    /** Runs {@code command} with {@code env} added to ours and {@code stdin} (UTF-8) as its input. */
    public static Outcome run(List<String> command, Map<String, String> env, String stdin) {
        return run(command, null, env, stdin.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code command} in {@code directory} (null: ours) with {@code env} added to ours and
     * {@code stdin} as its input. Output goes to files rather than pipes, so nothing a child leaves
     * running can hold the run open; a run over the limit is killed and fails. stdout and stderr are
     * read as Latin-1 (see {@link Text#read}).
     */
    public static Outcome run(List<String> command, Path directory, Map<String, String> env, byte[] stdin) {
        return run(command, directory, env, stdin, LIMIT);
    }

    private static Outcome run(List<String> command, Path directory, Map<String, String> env, byte[] stdin,
            Duration limit) {
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("sftpd-run-");
            Path in = Files.write(scratch.resolve("in"), stdin);
            Path out = scratch.resolve("out");
            Path err = scratch.resolve("err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectInput(in.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                stop(process);
                fail(command + " did not finish within " + limit.toSeconds() + " s\n--- stdout\n" + Text.read(out)
                        + "\n--- stderr\n" + Text.read(err));
            }
            return new Outcome(command, process.exitValue(), Text.read(out), Text.read(err));
        } catch (IOException e) {
            throw new UncheckedIOException("running " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        } finally {
            Scratch.delete(scratch);
        }
    }

    /** Kills a process we started and what it started in turn, and waits until it is gone. */
    public static void stop(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, as an administrator stops a daemon; SIGKILL if it is not gone within 10 s. */
    public static void terminate(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
