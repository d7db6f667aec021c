// An sftp client session held open: commands go in one at a time while the test inspects the server.
package dev.sftpd.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** sftp line-buffers its output, so what a command printed can be read while the session lasts. */
public final class OpenSftp implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final OutputStream stdin;
    private final Path out;
    private final Path err;

    private OpenSftp(List<String> command, Process process, Path out, Path err) {
        this.command = command;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.out = out;
        this.err = err;
    }

    /** Starts the client and returns once the session is authenticated and serving ("pwd" answered). */
    public static OpenSftp start(List<String> command) {
        OpenSftp session;
        try {
            Path out = Files.createTempFile("sftpd-it-sftp", ".out");
            Path err = Files.createTempFile("sftpd-it-sftp", ".err");
            session = new OpenSftp(command, new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
        try {
            session.send("pwd");
            session.awaitStdout("Remote working directory: ");
        } catch (AssertionError e) {
            session.close();
            throw e;
        }
        return session;
    }

    public void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("sending \"" + line + "\" to " + command, e);
        }
    }

    public void awaitStdout(String fragment) {
        Poll.until(() -> Text.read(out).contains(fragment) || !process.isAlive(),
                () -> "sftp did not print \"" + fragment + "\": " + outcome());
        if (!Text.read(out).contains(fragment)) {
            fail("sftp ended without printing \"" + fragment + "\": " + outcome());
        }
    }

    /** What sftp printed so far, while the session goes on. */
    public String stdoutSoFar() {
        return Text.read(out);
    }

    /** kill -9 of the ssh process under sftp: the connection drops with no SSH goodbye, as when a client vanishes. */
    public void killSsh() {
        ssh().forEach(ProcessHandle::destroyForcibly);
    }

    /** The ssh process under sftp, for a signal of the test's choosing (SIGSTOP: a client that stops answering). */
    public List<ProcessHandle> ssh() {
        List<ProcessHandle> ssh = process.descendants().filter(p -> p.info().command().orElse("").endsWith("/ssh"))
                .toList();
        if (ssh.isEmpty()) {
            fail("sftp has no ssh process: " + outcome());
        }
        return ssh;
    }

    /** kill -9 of sftp itself: its ssh is left to notice that its user is gone. */
    public void killSftp() {
        process.destroyForcibly();
    }

    /**
     * Ends the batch (end of input) and waits for the client to exit. A client whose server went
     * away notices only now: it waits for its next command before it looks at the connection.
     */
    public Outcome finish() {
        try {
            stdin.close();
        } catch (IOException e) {
            // The client is gone already: its exit status says why.
        }
        try {
            if (!process.waitFor(Run.LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                Run.stop(process);
                fail("sftp did not exit within " + Run.LIMIT.toSeconds() + " s: " + outcome());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return outcome();
    }

    private Outcome outcome() {
        return new Outcome(command, process.isAlive() ? -1 : process.exitValue(), Text.read(out), Text.read(err));
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                Run.stop(process);
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
