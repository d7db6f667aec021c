// The engine: pre-started by the monitor as root, it reads nothing until it is the user, then serves the sftp-core engine on the socket its transport relays, or makes a direct-tcpip connection.
package dev.sftpd.engine;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.Logging;
import dev.sftpd.log.SshLog;
import dev.sftpd.log.SyslogFacility;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Jail;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.MonitorLogSink;
import dev.sftpd.privsep.PrivilegeDrop;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.Accounts;
import dev.sftpd.sftp.ClientQuirks;
import dev.sftpd.sftp.NssAccounts;
import dev.sftpd.sftp.OperationLog;
import dev.sftpd.sftp.ServerFlags;
import dev.sftpd.sftp.ServerOptions;
import dev.sftpd.sftp.SftpServerMain;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Collections;

/**
 * Not a user-facing program. Its parent is the session's small root shell that carries the
 * user's audit loginuid (the process the login record names); its descriptors are /dev/null on
 * 0, the log on 1 and 2 (/dev/null unless the daemon logs to stderr), and the monitor on 3.
 */
public final class EngineMain {
    private static final SshLog log = SshLog.get(EngineMain.class);
    private static final String PROGRAM = "internal-sftp";

    private EngineMain() {}

    public static void main(String[] args) {
        System.exit(run());
    }

    private static int run() {
        MonitorCalls monitor = new MonitorCalls(MonitorCalls.CHANNEL_FD);
        MonitorCalls.Assignment session = null;
        ServerOptions options;
        try {
            openClassPath();
            // As root, before any session exists: nothing here depends on who the user will be.
            SftpServerMain.prepare();
            session = monitor.awaitAssignment();
            options = ServerFlags.parse(PROGRAM, session.flags().toArray(String[]::new)).options()
                    .withQuirks(ClientQuirks.of(session.clientIdentification()));
            // Nothing the session sends is read before this: the process is the user from here on.
            if (session.chroot().isPresent()) {
                Jail.enterAndDrop(session.chroot().get(), session.uid(), session.gid(), session.groups());
            } else {
                PrivilegeDrop.drop(session.uid(), session.gid(), session.groups());
            }
            if (session.connect().isEmpty()) {
                try (Fd socket = session.socket()) {
                    Sockets.dup2(socket.fd(), 0);
                    Sockets.dup2(socket.fd(), 1);
                }
            }
            if (session.chroot().isEmpty() && !session.audit()) {
                Sockets.close(MonitorCalls.CHANNEL_FD);
            }
        } catch (Exception e) {
            if (session != null && session.chroot().isPresent()) {
                Logging.init(LogLevel.ERROR, new MonitorLogSink(monitor));
            } else {
                Logging.init("sftpd", LogLevel.ERROR, SyslogFacility.AUTH, false);
            }
            log.fatal("engine: %s", e.getMessage() == null ? e.toString() : e.getMessage());
            return 255;
        }
        boolean jailed = session.chroot().isPresent();
        if (jailed) {
            // No /dev/log in the jail: the monitor logs the engine's lines, where it logs its own.
            Logging.init(options.logLevel(), new MonitorLogSink(monitor));
        } else {
            Logging.init("sftpd", options.logLevel(), options.facility(), options.logToStderr());
        }
        if (session.connect().isPresent()) {
            try (Fd socket = session.socket()) {
                return Connector.connect(session.connect().get(), socket);
            }
        }
        // In a jail the home directory is a path inside it, and "/" when it is not there, as for sshd.
        byte[] home = session.home().getBytes(Charset.defaultCharset());
        try {
            Posix.get().chdir(home);
        } catch (SysCallException e) {
            log.error("Could not chdir to home directory %s: %s", session.home(), e.reason());
            home = jailed ? "/".getBytes(Charset.defaultCharset()) : home;
        }
        Accounts.User user = new Accounts.User(session.user(), session.uid(), session.gid(), home);
        Accounts accounts = jailed ? new MonitorAccounts(monitor) : new NssAccounts();
        // With AuditLog the channel stays open for AUDIT: the engine reports, the monitor writes the log.
        OperationLog operations = session.audit() ? new AuditReports(monitor) : OperationLog.NONE;
        return SftpServerMain.serve(options, accounts, user, session.clientAddress(), operations);
    }

    /**
     * Opens every jar on the class path while the engine is still root: the class loader keeps
     * them open, so classes first needed after the drop still load even when the installation
     * is not readable by the user.
     */
    private static void openClassPath() throws IOException {
        Collections.list(ClassLoader.getSystemClassLoader().getResources("META-INF/MANIFEST.MF"));
    }
}
