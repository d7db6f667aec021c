// A /bin/sh script started by Spawner, with socketpairs as its stdin and its fd 3 report channel.
package dev.sftpd.privsep;

import dev.sftpd.sftp.posix.SysCallException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class ShellChild implements AutoCloseable {
    static final Map<String, String> PATH_ONLY = Map.of("PATH", "/usr/bin:/bin");

    final int pid;
    private final Fd input;
    private final Fd channel;
    private Optional<Processes.ExitStatus> exit = Optional.empty();

    private ShellChild(Map<String, String> env, Integer stdinFd, String script, String... args) throws SysCallException {
        Fd[] in = Sockets.socketpair();
        Fd[] report = Sockets.socketpair();
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
        argv.addAll(List.of(args));
        try (Fd childIn = in[1]; Fd childReport = report[1]) {
            pid = Spawner.spawn(argv, env, stdinFd != null ? stdinFd : childIn.fd(), childReport.fd());
        }
        input = in[0];
        channel = report[0];
    }

    static ShellChild start(String script, String... args) throws SysCallException {
        return new ShellChild(PATH_ONLY, null, script, args);
    }

    static ShellChild start(Map<String, String> env, String script) throws SysCallException {
        return new ShellChild(env, null, script);
    }

    /** Starts the script with stdinFd, a descriptor of this JVM, as its fd 0. */
    static ShellChild withStdin(int stdinFd, String script) throws SysCallException {
        return new ShellChild(PATH_ONLY, stdinFd, script);
    }

    /** Writes text to the child's stdin, then closes it so the child sees end of file. */
    void send(String text) throws SysCallException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        Sockets.writeFully(input.fd(), b, 0, b.length);
        input.close();
    }

    /** Everything the child writes to fd 3 until it exits. */
    String report() throws SysCallException {
        input.close();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = Sockets.read(channel.fd(), buf, 0, buf.length)) > 0; ) {
            all.write(buf, 0, n);
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    Processes.ExitStatus exit() throws SysCallException {
        if (exit.isEmpty()) {
            exit = Processes.waitpid(pid, true);
        }
        return exit.orElseThrow();
    }

    /** Never leaves a child running or unreaped, whatever the test did. */
    @Override
    public void close() throws SysCallException {
        input.close();
        channel.close();
        if (exit.isEmpty() && Processes.waitpid(pid, false).isEmpty()) {
            Processes.kill(pid, 9);
            Processes.waitpid(pid, true);
        }
    }
}
