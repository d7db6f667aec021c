// "subsystem sftp" (and ForceCommand internal-sftp): the sftp-core engine on an SSH channel's streams.
package dev.sftpd.worker;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.Accounts;
import dev.sftpd.sftp.SessionEndException;
import dev.sftpd.sftp.StartDirectory;
import dev.sftpd.sftp.ServerOptions;
import dev.sftpd.sftp.SftpSession;
import dev.sftpd.sftp.StreamServer;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

final class SftpCommand implements Command {
    private static final SshLog log = SshLog.get(SftpCommand.class);

    private final ServerOptions options;
    private final Accounts accounts;
    private final Accounts.User user;
    private final String clientAddress;
    private InputStream in;
    private OutputStream out;
    private ExitCallback exit;

    SftpCommand(ServerOptions options, Accounts accounts, Accounts.User user, String clientAddress) {
        this.options = options;
        this.accounts = accounts;
        this.user = user;
        this.clientAddress = clientAddress;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        // sftp-server logs to syslog or the daemon's stderr, never to the client.
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        Thread t = new Thread(() -> {
            int status;
            try {
                StartDirectory.enter(options, user, accounts);
                status = new StreamServer(in, out)
                        .run(sink -> new SftpSession(options, accounts, user, clientAddress, sink));
            } catch (SessionEndException e) {
                log.fatal("%s", e.getMessage());
                status = e.exitCode();
            }
            exit.onExit(status);
        }, "sftp");
        t.start();
    }

    @Override
    public void destroy(ChannelSession channel) throws Exception {
        in.close();
    }
}
