// The stdio sftp-server program: a drop-in for OpenSSH's, for "sftp -D" and "Subsystem sftp /path/to/it".
package dev.sftpd.sftp;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.Logging;
import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.Posix;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.Locale;

public final class SftpServerMain {
    private static final String PROGRAM = "sftp-server";
    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final SshLog log = SshLog.get(SftpServerMain.class);

    private SftpServerMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Logging.init(PROGRAM, LogLevel.ERROR, ServerOptions.DEFAULTS.facility(), false);
        ServerFlags.Parsed parsed;
        try {
            parsed = ServerFlags.parse(PROGRAM, args);
        } catch (ServerFlags.FlagException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println(e.getMessage());
            }
            if (e.showUsage()) {
                System.err.print(ServerFlags.usage(PROGRAM));
            }
            return e.exitCode();
        }
        if (parsed.queryRequests()) {
            System.out.print(ServerFlags.requestNames());
            System.out.flush();
            return 0;
        }
        ServerOptions options = parsed.options();
        Logging.init(PROGRAM, options.logLevel(), options.facility(), options.logToStderr());

        NssAccounts accounts = new NssAccounts();
        Accounts.User user = accounts.currentUser();

        String clientAddress = "UNKNOWN";
        String connection = System.getenv("SSH_CONNECTION");
        if (connection != null) {
            int space = connection.indexOf(' ');
            if (space < 0) {
                log.error("Malformed SSH_CONNECTION variable: \"%s\"", connection);
                return 255;
            }
            clientAddress = connection.substring(0, space);
        }
        return serve(options, accounts, user, clientAddress);
    }

    /**
     * Does before there is a session the one-time work that a session's first requests would
     * otherwise wait for: jnr-ffi generates each native library's code on first use, the request
     * table and the file handlers are initialised, and String.format loads the locale data behind
     * every log line (together about 0.2 s of a fresh JVM). The daemon's pooled engine calls this
     * as root while it waits for its session, so nothing here may depend on who the user will be.
     */
    public static void prepare() {
        Posix.get();
        Logging.bindNatives();
        RequestTable.byType(Sftp.FXP_OPEN);
        FileRequests.prepare();
        String.format(Locale.ROOT, "%s %d", PROGRAM, 0);
    }

    /**
     * The engine on stdin and stdout, from the start directory on: what this program and the
     * daemon's engine (once it is the user, with its socket on fds 0 and 1) both run.
     */
    public static int serve(ServerOptions options, Accounts accounts, Accounts.User user, String clientAddress) {
        return serve(options, accounts, user, clientAddress, OperationLog.NONE);
    }

    /** {@link #serve(ServerOptions, Accounts, Accounts.User, String)}, reporting operations to an audit trail. */
    public static int serve(ServerOptions options, Accounts accounts, Accounts.User user, String clientAddress,
                            OperationLog operations) {
        // stdout carries the protocol: nothing else may ever print there.
        FileOutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        try {
            StartDirectory.enter(options, user, accounts);
        } catch (SessionEndException e) {
            log.fatal("%s", e.getMessage());
            return e.exitCode();
        }
        StreamServer server = new StreamServer(STDIN, protocolOut, STDOUT);
        return server.run(sink -> new SftpSession(options, accounts, user, clientAddress, sink, operations));
    }
}
