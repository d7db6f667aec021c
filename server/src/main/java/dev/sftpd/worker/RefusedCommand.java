// What a shell or command request gets on an SFTP-only server: OpenSSH's message and exit status 1.
package dev.sftpd.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

final class RefusedCommand implements Command {
    static final String MESSAGE = "This service allows sftp connections only.\n";

    private OutputStream err;
    private ExitCallback exit;

    @Override
    public void setInputStream(InputStream in) {
        // Nothing is read: the request is refused outright.
    }

    @Override
    public void setOutputStream(OutputStream out) {
        // The message goes to stderr, as sshd prints it.
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        err.write(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        err.flush();
        exit.onExit(1, "sftp only");
    }

    @Override
    public void destroy(ChannelSession channel) {
        // Nothing was started.
    }
}
