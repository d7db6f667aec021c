// Finds the programs the end-to-end tests drive and runs one to completion within a time limit.
package dev.sftpd.sftp.e2e;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

final class Programs {
    private static final int TIME_LIMIT_SECONDS = 60;

    /** Debian's OpenSSH 9.2 sftp-server (package openssh-sftp-server): the behaviour ours must match. */
    static final Path OPENSSH_SERVER = Path.of("/usr/lib/openssh/sftp-server");

    private Programs() {
    }

    /**
     * The server under test: {@code bin/sftp-server} under the property {@code sftpd.repo}, else under the
     * working directory or above. The property {@code sftpd.e2e.server} names another program instead, e.g.
     * OpenSSH's own, to check the tests themselves against the behaviour they specify.
     */
    static Path serverUnderTest() {
        String override = System.getProperty("sftpd.e2e.server");
        if (override != null) {
            return Path.of(override);
        }
        String configured = System.getProperty("sftpd.repo");
        Path start = Path.of(configured == null ? "" : configured).toAbsolutePath();
        return Stream.iterate(start, dir -> dir != null, Path::getParent)
                .map(dir -> dir.resolve("bin/sftp-server"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no bin/sftp-server in " + start
                        + " or above it: run the tests from the repository or set -Dsftpd.repo"));
    }

    /** OpenSSH's client. CI always installs it, so its absence fails the test rather than skipping it. */
    static Path sftpClient() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, "sftp"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("OpenSSH's sftp client is not on PATH (" + path
                        + "): install openssh-client"));
    }

    static Optional<Path> opensshServer() {
        return Optional.of(OPENSSH_SERVER).filter(Files::isExecutable);
    }

    /**
     * Runs {@code command} in {@code directory} with stdin from /dev/null and TZ=UTC (so listings show
     * predictable dates), killing it and everything it started if it outlives the time limit.
     */
    static Outcome run(Path directory, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("TZ", "UTC");
        Process process = builder.start();
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        if (!process.waitFor(TIME_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not finish within " + TIME_LIMIT_SECONDS + " s\n--- stdout\n"
                    + stdout.getNow("") + "\n--- stderr\n" + stderr.getNow(""));
        }
        return new Outcome(command, process.exitValue(), collect(stdout), collect(stderr));
    }

    /** Reads a stream on its own thread, so that neither stdout nor stderr can fill up and stall the process. */
    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> {
            Thread reader = new Thread(task, "drain");
            reader.setDaemon(true);
            reader.start();
        });
    }

    /** A stream's text once the process has exited; a child still holding the pipe open gets a few seconds. */
    private static String collect(CompletableFuture<String> output) throws InterruptedException {
        try {
            return output.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("could not read a process's output", e);
        }
    }
}
